"""Norwegian first, English too: both catalogues are complete and keep every placeholder."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _messages(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALE / lang / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return [m for m in read_po(handle, locale=lang) if m.id]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_string_is_translated_and_none_is_fuzzy(lang: str) -> None:
    messages = _messages(lang)
    assert len(messages) > 300
    missing = [
        m.id for m in messages if m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert missing == []


def test_norwegian_translations_keep_every_placeholder() -> None:
    for message in _messages("nb"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            # A singular may spell out "one" instead of %(count)s; the plural must keep all.
            if len(strings) > 1 and text is strings[0]:
                continue
            assert wanted <= set(PLACEHOLDER.findall(text)), (message.id, text)
