"""Mapping rounds: a survey version sent to member companies, with personal invitations and their
mails, opt-in open links, answers held for review, and the completions of invitations applied
apart from the answers. The second part of the survey engine's flow: definitions -> rounds ->
answering -> results."""
