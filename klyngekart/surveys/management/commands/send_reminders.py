"""``manage.py send_reminders``: the daily round duties by hand or from cron, the same service
as the daily huey task: close rounds past their close date, send the day's reminders, erase
expired invitation lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from klyngekart.surveys.rounds.services import round_duties_daily


class Command(BaseCommand):
    help = "Close overdue mapping rounds, send today's reminders and erase expired invitation lists."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date must be YYYY-MM-DD") from error
        report = round_duties_daily(today=today)
        self.stdout.write(
            f"{today}: {report.closed} round(s) closed, {report.reminded} reminder(s) sent, "
            f"{report.erased} address(es) erased."
        )
