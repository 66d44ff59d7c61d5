"""manage.py backup [--folder DIR]: a consistent backup of the whole database while it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klyngekart.core.backup import BackupError, backup, default_folder


class Command(BaseCommand):
    help = "Back up the whole database (SQLite online backup, or pg_dump for PostgreSQL), with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--folder", type=Path, default=None, help=f"Where to write it (default {default_folder()})."
        )

    def handle(self, *args: Any, folder: Path | None, **options: Any) -> None:
        try:
            made = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = made.manifest
        rows = sum(manifest["tables"].values())
        tables = len(manifest["tables"])
        self.stdout.write(
            f"{made.path} ({manifest['bytes']} bytes, {tables} tables, {rows} rows, "
            f"sha256 {manifest['sha256'][:16]}...)"
        )
