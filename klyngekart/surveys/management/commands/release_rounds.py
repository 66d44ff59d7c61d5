"""Build the releases that are due: closed rounds whose results are not released yet.

Closing a round queues its release; this builds any that a failed task (or an upgrade from the time
when results were live) left behind. Run after `migrate` on an upgrade; the daily task does it too."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from klyngekart.surveys.results.release import release_build, releases_pending


class Command(BaseCommand):
    help = "Build the results release of every closed round that has none yet (or only --round)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, help="Only this round (it must be closed).")

    def handle(self, *args: Any, **options: Any) -> None:
        pending = [options["round"]] if options["round"] is not None else releases_pending()
        for round_id in pending:
            release = release_build(round_id=round_id)
            if release is None:
                self.stderr.write(f"round {round_id}: not closed, nothing to release")
            else:
                self.stderr.write(f"round {round_id}: released, {release.respondents} respondent(s)")
