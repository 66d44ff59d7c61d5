"""Helpers for the translation catalogues (developer tool; `make messages` runs makemessages).

python scripts/po_tool.py export OUT_DIR [--chunk N]   untranslated nb entries as JSON chunks
python scripts/po_tool.py import FILE.json [...]       merge {msgid: msgstr} (or plural lists) into nb
python scripts/po_tool.py fill-en                      en: msgstr = msgid (English is the source)
python scripts/po_tool.py check                        exit 1 if nb or en has untranslated/fuzzy entries
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "klyngekart" / "locale"
DOMAINS = ("django", "djangojs")


def _paths(lang: str) -> list[Path]:
    return [p for d in DOMAINS if (p := LOCALE / lang / "LC_MESSAGES" / f"{d}.po").exists()]


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parts[-3])


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, include_previous=False)


def _missing(message) -> bool:  # type: ignore[no-untyped-def]
    if not message.id:
        return False
    if message.fuzzy:
        return True
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return any(not s for s in strings)


def _key(message) -> str:  # type: ignore[no-untyped-def]
    """The JSON key of an entry: gettext's "context\x04msgid" when it has a context, so entries
    that share a msgid but not a meaning keep their own translations."""
    base = message.id if isinstance(message.id, str) else json.dumps(list(message.id))
    return f"{message.context}\x04{base}" if message.context else base


def export(out_dir: str, chunk: int = 150) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    items: dict[str, object] = {}
    for path in _paths("nb"):
        for message in _read(path):
            if _missing(message):
                items[_key(message)] = message.context or ""
    keys = list(items)
    for n in range(0, len(keys), chunk):
        part = dict.fromkeys(keys[n : n + chunk], "")
        (out / f"chunk_{n // chunk:02d}.json").write_text(json.dumps(part, ensure_ascii=False, indent=1))
    print(f"{len(keys)} untranslated entries in {((len(keys) - 1) // chunk) + 1 if keys else 0} chunk(s)")


def import_(files: list[str]) -> None:
    translations: dict[str, object] = {}
    for name in files:
        translations.update(json.loads(Path(name).read_text()))
    done = 0
    for path in _paths("nb"):
        catalog = _read(path)
        for message in catalog:
            if not message.id:
                continue
            value = translations.get(_key(message))
            if not value:
                continue
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
            done += 1
        _write(path, catalog)
    print(f"{done} entries translated")


def fill_en() -> None:
    for path in _paths("en"):
        catalog = _read(path)
        for message in catalog:
            if not message.id:
                continue
            message.string = message.id if isinstance(message.id, str) else tuple(message.id)
            message.flags.discard("fuzzy")
        _write(path, catalog)


def check() -> int:
    bad = 0
    for lang in ("nb", "en"):
        for path in _paths(lang):
            missing = [m.id for m in _read(path) if _missing(m)]
            if missing:
                bad += len(missing)
                print(f"{path}: {len(missing)} untranslated or fuzzy, e.g. {missing[:3]}")
    return 1 if bad else 0


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["check"]
    if command == "export":
        export(args[0], int(args[2]) if len(args) > 2 else 150)
    elif command == "import":
        import_(args)
    elif command == "fill-en":
        fill_en()
    else:
        raise SystemExit(check())
