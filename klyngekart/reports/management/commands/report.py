"""python manage.py report needs --cluster SLUG --round ID --format pdf|xlsx --output PATH [--lang nb|en]

Builds the same file as the report page, synchronously, and writes it only when it is complete."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.reports import services
from klyngekart.reports.needs_data import NotEnoughAnswers
from klyngekart.surveys.models import Round


class Command(BaseCommand):
    help = "Build a cluster report (the needs report of a mapping round) as PDF or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["needs"])
        parser.add_argument("--cluster", required=True, help="The cluster's slug.")
        parser.add_argument("--round", required=True, type=int, help="The mapping round's id.")
        parser.add_argument("--format", required=True, choices=["pdf", "xlsx"])
        parser.add_argument("--output", required=True, help="Where to write the file.")
        parser.add_argument("--lang", default="nb", choices=list(services.LANGUAGES))

    def handle(self, *args: Any, **options: Any) -> None:
        cluster = Cluster.objects.filter(slug=options["cluster"]).first()
        if cluster is None:
            raise CommandError(f"No cluster with the slug {options['cluster']!r}.")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        with scope(cluster):
            round_ = Round.objects.filter(pk=options["round"]).first()
            if round_ is None:
                raise CommandError(f"The cluster {cluster.slug} has no round {options['round']}.")
            try:
                content, _name = services.needs_report_build(
                    cluster=cluster, round_=round_, fmt=options["format"], language=options["lang"]
                )
            except NotEnoughAnswers as error:
                raise CommandError(str(error)) from error
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        # Write beside the target and rename, so a failure never leaves half a file at PATH.
        handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=".report-")
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, output)
        self.stdout.write(f"Wrote {output} ({len(content)} bytes).")
