"""Backups: a round trip (backup, change everything, restore) gives back every table row for row,
on the engine the suite runs on (SQLite here, PostgreSQL in CI's second pass); a damaged or foreign
backup is refused and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from klyngekart.conftest import build_world
from klyngekart.core.backup import BackupError, backup, read_manifest, restore, table_counts, table_digests
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def _world() -> None:
    world = build_world("alfa")
    build_world("beta", company=world.membership.company, facts={"name": "Delt AS i beta"})


def test_a_restore_gives_back_every_table_row_for_row(tmp_path: Path) -> None:
    _world()
    before = table_digests()
    made = backup(tmp_path)
    assert made.manifest["tables"] == table_counts()
    assert made.manifest["tables"]["members_membership"] == 4

    # Everything changes after the backup: a cluster goes, with its members, and a new one comes.
    with scopes_disabled():
        Cluster.objects.filter(slug="beta").delete()
        Membership.objects.update(notes="changed after the backup")
        Cluster.objects.create(slug="gamma", name="Gamma")
        AuditLog.objects.all().delete()
    assert table_digests() != before

    restore(made.path)
    assert table_digests() == before


def test_the_manifest_describes_the_file(tmp_path: Path) -> None:
    _world()
    made = backup(tmp_path)
    manifest = json.loads(made.path.with_name(made.path.name + ".json").read_text())
    assert manifest == made.manifest == read_manifest(made.path)
    assert manifest["bytes"] == made.path.stat().st_size > 0


def test_a_damaged_backup_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    _world()
    made = backup(tmp_path)
    with made.path.open("r+b") as handle:
        handle.seek(made.path.stat().st_size // 2)
        handle.write(b"\x00damaged\x00")
    with scopes_disabled():
        Cluster.objects.create(slug="after", name="After")
    before = table_digests()
    with pytest.raises(BackupError, match="does not match its manifest"):
        restore(made.path)
    assert table_digests() == before


def test_a_backup_of_the_other_engine_is_refused(tmp_path: Path) -> None:
    made = backup(tmp_path)
    manifest_path = made.path.with_name(made.path.name + ".json")
    manifest = json.loads(manifest_path.read_text())
    manifest["engine"] = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="backup; this database is"):
        restore(made.path)


def test_a_file_without_manifest_is_refused(tmp_path: Path) -> None:
    stray = tmp_path / "klyngekart.sqlite3"
    stray.write_bytes(b"not a backup")
    with pytest.raises(BackupError, match="no manifest"):
        read_manifest(stray)


def test_the_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _world()
    before = table_digests()
    call_command("backup", folder=tmp_path)
    printed = capsys.readouterr().out
    (made,) = [p for p in tmp_path.iterdir() if not p.name.endswith(".json")]
    assert str(made) in printed and "rows" in printed
    with scopes_disabled():
        Cluster.objects.filter(slug="alfa").delete()
    call_command("restore", str(made), yes=True)
    assert table_digests() == before
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing.sqlite3"), yes=True)
