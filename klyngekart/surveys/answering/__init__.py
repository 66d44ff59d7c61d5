"""Answering: the public pages and API of a survey link, drafts to resume from, the submit service,
the rate limit and the keyed hashes that tie nothing to a person. The third part of the survey
engine's flow: definitions -> rounds -> answering -> results."""
