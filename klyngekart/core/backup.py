"""Backups of the whole database, and their restore (``manage.py backup`` / ``manage.py restore``).

- **SQLite**: SQLite's online backup API copies the live database page by page into a new file,
  consistent even while the server and the task consumer write (WAL mode). Restoring copies the
  backup back over the live database the same way, inside one connection, so readers see the old or
  the new database and never half of each.
- **PostgreSQL**: ``pg_dump --format=custom`` (a consistent snapshot in one transaction, with no lock
  that stops writers), and ``pg_restore --clean --if-exists --single-transaction`` to restore, so a
  restore that fails leaves the database as it was.

Beside each backup a manifest (``<file>.json``) records when it was made, from which engine, the
rows per table and a SHA-256 of the file, so an operator can tell a good backup at a glance and
``restore`` refuses a file that does not match its manifest.

``table_digests`` hashes every row of every table: the round-trip test (and an operator checking a
restore) compares it before and after."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

POSTGRES = "postgresql"
SQLITE = "sqlite"


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, Any]


def engine() -> str:
    vendor = connection.vendor
    if vendor not in (POSTGRES, SQLITE):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def default_folder() -> Path:
    return Path(
        getattr(settings, "KLYNGEKART_BACKUP_DIR", "") or (Path(settings.BASE_DIR) / "var" / "backups")
    )


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - a table name from the catalogue
            counts[table] = int(cursor.fetchone()[0])
    return counts


def table_digests() -> dict[str, str]:
    """{table: SHA-256 of its rows, in a stable order}: equal before a backup and after its restore."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 - a table name from the catalogue
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            digest = hashlib.sha256()
            for row in rows:
                digest.update(row.encode("utf-8"))
                digest.update(b"\n")
            out[table] = f"{len(rows)}:{digest.hexdigest()}"
    return out


def _plain(value: Any) -> Any:
    """One value as both engines give it back the same after a round trip."""
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for the default database (the password never on argv)."""
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _sqlite_live() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    if not isinstance(raw, sqlite3.Connection):
        raise BackupError("No SQLite connection.")
    return raw


def backup(folder: Path | None = None, *, now: datetime.datetime | None = None) -> Backup:
    """Write a backup of the whole database into ``folder`` and its manifest beside it."""
    kind = engine()
    folder = folder or default_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%d-%H%M%S")
    counts = table_counts()
    if kind == SQLITE:
        path = folder / f"klyngekart-{stamp}.sqlite3"
        target = sqlite3.connect(path)
        try:
            _sqlite_live().backup(target)
        finally:
            target.close()
    else:
        path = folder / f"klyngekart-{stamp}.pgdump"
        args, env = _pg_env()
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(path),
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            path.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[-2000:]}")
    manifest = {
        "made_at": (now or datetime.datetime.now(datetime.UTC)).isoformat(timespec="seconds"),
        "engine": kind,
        "file": path.name,
        "bytes": path.stat().st_size,
        "sha256": _sha256(path),
        "tables": counts,
    }
    path.with_name(path.name + ".json").write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    return Backup(path, manifest)


def read_manifest(path: Path) -> dict[str, Any]:
    """The backup's manifest, checked against the file; raises BackupError on any mismatch."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    manifest_path = path.with_name(path.name + ".json")
    if not manifest_path.is_file():
        raise BackupError(f"{path.name} has no manifest ({manifest_path.name}); it was not made by backup.")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text("utf-8"))
    if manifest.get("sha256") != _sha256(path):
        raise BackupError(f"{path.name} does not match its manifest: the file is damaged or was changed.")
    return manifest


def restore(path: Path) -> dict[str, Any]:
    """Replace the whole database with the backup at ``path``; returns its manifest."""
    manifest = read_manifest(path)
    kind = engine()
    if manifest.get("engine") != kind:
        raise BackupError(f"{path.name} is a {manifest.get('engine')} backup; this database is {kind}.")
    if kind == SQLITE:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(_sqlite_live())
        finally:
            source.close()
    else:
        connection.close()
        args, env = _pg_env()
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(
                f"pg_restore failed, the database is unchanged: {result.stderr.strip()[-2000:]}"
            )
    return manifest
