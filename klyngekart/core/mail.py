"""Mail texts that are not HTML. A subject is a header, not markup: rendered with Django's HTML
escaping, "Ås & Sønn" arrived as "Ås &amp; Sønn"."""

from __future__ import annotations

from typing import Any

from django.template import Context, engines


def render_subject(template_name: str, context: dict[str, Any]) -> str:
    """The subject template rendered as plain text, on one line: names are kept as written and
    no line break can reach the header."""
    engine = engines["django"].engine  # type: ignore[attr-defined]
    text = engine.get_template(template_name).render(Context(context, autoescape=False))
    return " ".join(text.split())
