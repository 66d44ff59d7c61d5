"""Prove a released round's aggregates equal a recomputation from the raw answers, and repair them.

Exits non-zero when a difference is found and --fix was not given, so it can run in cron or CI."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import Round
from klyngekart.surveys.results.aggregates import rebuild


class Command(BaseCommand):
    help = "Recompute a round's aggregates from the raw answers and report (or --fix) any difference."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--round", type=int, help="The id of the round.")
        which.add_argument("--all", action="store_true", help="Every round whose results are released.")
        parser.add_argument(
            "--fix", action="store_true", help="Make the stored rows equal the recomputation."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with scopes_disabled():
            rounds = Round.objects.select_related("cluster", "survey_version").order_by("pk")
            if options["round"] is not None:
                rounds = rounds.filter(pk=options["round"])
                if not rounds.exists():
                    raise CommandError(f"No round with id {options['round']}.")
            else:
                rounds = rounds.filter(release__status="ready")
            chosen = list(rounds)
        found = 0
        for round_ in chosen:
            with scope(round_.cluster):
                differences = rebuild(round=round_, fix=options["fix"])
            found += len(differences)
            for difference in differences:
                self.stdout.write(f"round {round_.pk}: {difference}")
            verdict = "fixed" if differences and options["fix"] else "differ" if differences else "ok"
            self.stderr.write(
                f"round {round_.pk} ({round_.title}): {len(differences)} difference(s), {verdict}"
            )
        if found and not options["fix"]:
            raise CommandError(f"{found} aggregate row(s) differ from the raw answers; run again with --fix.")
