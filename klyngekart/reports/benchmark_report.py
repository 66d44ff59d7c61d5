"""The benchmarking self-assessment as a PDF an advisor brings to the benchmarking interview: what
its page shows, as ready-made strings. It says in so many words that it awards no label."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from klyngekart.benchmark.indicators import MANUAL
from klyngekart.benchmark.selectors import MET, MIN_PEERS, NOT_MET, SOON, UNKNOWN, Assessment
from klyngekart.reports.renderer import compile_pdf

TEMPLATE = Path(__file__).resolve().parent / "templates" / "reports" / "benchmark.typ"


def _number(value: Decimal | None) -> str:
    if value is None:
        return "–"
    shown = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return formats.number_format(shown, use_l10n=True, force_grouping=True)


def pdf_data(found: Assessment) -> dict[str, Any]:
    status = {MET: _("Met"), NOT_MET: _("Not met"), UNKNOWN: _("Not known"), SOON: _("Soon due")}
    fewer = _("Fewer than %(n)s peers") % {"n": MIN_PEERS}
    return {
        "lang": (translation.get_language() or "nb")[:2],
        "cluster": found.cluster.name,
        "title": _("Benchmarking self-assessment"),
        "printed": _("Printed %(date)s") % {"date": formats.date_format(timezone.localdate(), "DATE_FORMAT")},
        "disclaimer": _(
            "A self-assessment in the six areas of ESCA's cluster management benchmarking, from the "
            "platform's own data and the management's entries. It prepares the benchmarking interview; "
            "it does not award or predict a label."
        ),
        "text": {
            "readiness": _("Readiness for the labels"),
            "status": _("Status"),
            "requirement": _("Requirement"),
            "detail": _("Detail"),
            "indicator": _("Indicator"),
            "value": _("Value"),
            "source": _("Source"),
            "peers": _("Peers: median (quartiles)"),
        },
        "checklist": [
            {"status": str(status[c.status]), "label": str(c.label), "detail": c.detail}
            for c in found.checklist
        ],
        "areas": [
            {
                "name": f"{number}. {area.name}",
                "rows": [
                    {
                        "name": str(row.indicator.name),
                        "definition": str(row.indicator.definition),
                        "value": "–" if row.value is None else f"{_number(row.value)} {row.unit}".strip(),
                        "source": str(_("Entered") if row.indicator.source == MANUAL else _("Platform")),
                        "peers": fewer
                        if row.peers is None
                        else f"{_number(row.peers.median)} ({_number(row.peers.q1)}–{_number(row.peers.q3)})",
                    }
                    for row in area.rows
                ],
            }
            for number, area in enumerate(found.areas, start=1)
        ],
        "peer_note": ngettext(
            "Compared with %(n)s other cluster on this installation. Peer figures show only where at "
            "least %(min)s clusters have a value, and never one cluster's own.",
            "Compared with %(n)s other clusters on this installation. Peer figures show only where at "
            "least %(min)s clusters have a value, and never one cluster's own.",
            found.peer_count,
        )
        % {"n": found.peer_count, "min": MIN_PEERS},
    }


def benchmark_pdf(found: Assessment, *, language: str) -> bytes:
    with translation.override(language):
        return compile_pdf(TEMPLATE, pdf_data(found))
