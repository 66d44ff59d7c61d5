"""Compile klyngekart/locale/*/LC_MESSAGES/*.po into .mo files with Babel.

Pure Python, so `make run` needs no GNU gettext on a fresh machine. The .mo files are build
output (ignored by git); the .po files are the source of truth.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "klyngekart" / "locale"


def main() -> int:
    compiled = 0
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        with mo_path.open("wb") as handle:
            # Fuzzy entries are not used, exactly as msgfmt does by default.
            write_mo(handle, catalog, use_fuzzy=False)
        compiled += 1
    print(f"translations: {compiled} catalogue(s) compiled", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
