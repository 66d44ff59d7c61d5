"""manage.py restore FILE [--yes]: replace the whole database with a backup made by ``backup``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klyngekart.core.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `manage.py backup` (checked against its manifest)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask before replacing the database.")

    def handle(self, *args: Any, file: Path, yes: bool, **options: Any) -> None:
        try:
            manifest = read_manifest(file)
            if not yes:
                self.stdout.write(
                    f"{file.name}: made {manifest['made_at']}, {sum(manifest['tables'].values())} rows. "
                    "Everything in the database now is replaced."
                )
                if input("Type 'restore' to go on: ").strip() != "restore":
                    raise CommandError("Nothing was changed.")
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {file.name} (made {manifest['made_at']}).")
