"""The self-assessment as its page, its PDF and its API show it: every indicator with its value,
its source and the peers' median and quartiles, and the label readiness checklist.

Peers are the other active clusters on the installation, read from their snapshots
(models.BenchmarkSnapshot) in one place, ``peer_figures``: it returns only the median and the
quartiles of an indicator, and only when at least ``MIN_PEERS`` clusters have a value for it, so no
page shows another cluster's own value."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from klyngekart.benchmark.indicators import (
    AREAS,
    INDICATORS,
    MANUAL,
    UNITS,
    Indicator,
    PlatformFigures,
)
from klyngekart.benchmark.models import BenchmarkEntry, BenchmarkProfile, BenchmarkSnapshot, EscaLabel
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scopes_disabled

MIN_PEERS = 5
MIN_MEMBERS = 15
MIN_FTE = Decimal("0.5")
MIN_TYPES = 2
# A label that runs out within this many days is flagged for renewal.
RENEWAL_DAYS = 180


@dataclass(frozen=True)
class PeerFigures:
    count: int
    q1: Decimal
    median: Decimal
    q3: Decimal


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    value: Decimal | None
    peers: PeerFigures | None

    @property
    def unit(self) -> Promise | str:
        return UNITS[self.indicator.unit]

    @property
    def is_manual(self) -> bool:
        return self.indicator.source == MANUAL


@dataclass(frozen=True)
class Area:
    key: str
    name: Promise
    rows: list[Row]


# A checklist item is met, not met, or not known yet (the manager has not said).
MET, NOT_MET, UNKNOWN, SOON = "met", "not_met", "unknown", "soon"


@dataclass(frozen=True)
class Check:
    key: str
    label: Promise
    status: str
    detail: str


@dataclass(frozen=True)
class Assessment:
    cluster: Cluster
    areas: list[Area]
    checklist: list[Check]
    profile: BenchmarkProfile
    peer_count: int
    values: dict[str, Decimal | None]


def profile_of(cluster: Cluster) -> BenchmarkProfile:
    """The cluster's profile, unsaved and empty when the manager has entered nothing yet."""
    return BenchmarkProfile.objects.filter(cluster=cluster).first() or BenchmarkProfile(cluster=cluster)


def manual_values() -> dict[str, Decimal]:
    return dict(BenchmarkEntry.objects.values_list("indicator", "value"))


def values_of(figures: PlatformFigures) -> dict[str, Decimal | None]:
    """Every indicator of the cluster in scope: the platform's figures and the manager's entries."""
    entered = manual_values()
    return {i.key: (entered.get(i.key) if i.source == MANUAL else figures.compute(i.key)) for i in INDICATORS}


def _quartiles(values: list[Decimal]) -> PeerFigures:
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    places = Decimal("0.1")
    return PeerFigures(
        len(values),
        Decimal(q1).quantize(places),
        Decimal(median).quantize(places),
        Decimal(q3).quantize(places),
    )


def peer_figures(cluster: Cluster) -> tuple[dict[str, PeerFigures | None], int]:
    """({indicator: median and quartiles of the other active clusters, or None with fewer than
    MIN_PEERS values}, how many peers have a snapshot). The only read across clusters."""
    with scopes_disabled():
        snapshots = list(
            BenchmarkSnapshot.objects.filter(cluster__is_active=True)
            .exclude(cluster=cluster)
            .values_list("values", flat=True)
        )
    out: dict[str, PeerFigures | None] = {}
    for indicator in INDICATORS:
        found = [Decimal(str(v[indicator.key])) for v in snapshots if v.get(indicator.key) is not None]
        out[indicator.key] = _quartiles(found) if len(found) >= MIN_PEERS else None
    return out, len(snapshots)


def _check_label(profile: BenchmarkProfile, today: datetime.date) -> Check:
    label = _("ESCA label valid")
    if not profile.label:
        return Check("label", label, NOT_MET, str(_("No label yet.")))
    name = EscaLabel(profile.label).label
    until = profile.label_valid_until
    if until is None:
        return Check(
            "label", label, UNKNOWN, str(_("%(label)s, without a valid-until date.") % {"label": name})
        )
    shown = formats.date_format(until, "SHORT_DATE_FORMAT")
    if until < today:
        return Check(
            "label", label, NOT_MET, str(_("%(label)s expired on %(date)s.") % {"label": name, "date": shown})
        )
    if until <= today + datetime.timedelta(days=RENEWAL_DAYS):
        return Check(
            "label",
            label,
            SOON,
            str(_("%(label)s valid until %(date)s: plan the renewal.") % {"label": name, "date": shown}),
        )
    return Check(
        "label", label, MET, str(_("%(label)s valid until %(date)s.") % {"label": name, "date": shown})
    )


def _number(value: Decimal) -> str:
    return formats.number_format(value.normalize(), use_l10n=True)


def checklist(
    profile: BenchmarkProfile, values: dict[str, Decimal | None], survey_in_year: bool, today: datetime.date
) -> list[Check]:
    def yes_no(ok: bool) -> str:
        return MET if ok else NOT_MET

    members = values.get("members") or Decimal(0)
    types = values.get("member_types") or Decimal(0)
    fte = values.get("management_fte")
    strategy_ok = profile.measurable_goals and profile.annual_plan
    return [
        Check(
            "eccp",
            _("Listed on the European Cluster Collaboration Platform"),
            yes_no(profile.eccp_listed),
            str(_("Every ESCA label needs a listing since 2019.")),
        ),
        Check(
            "members",
            _("At least 15 committed members"),
            yes_no(members >= MIN_MEMBERS),
            str(_("%(n)s active members in the register.") % {"n": int(members)}),
        ),
        Check(
            "fte",
            _("At least 0.5 FTE cluster management"),
            UNKNOWN if fte is None else yes_no(fte >= MIN_FTE),
            str(_("Not entered yet."))
            if fte is None
            else str(_("%(fte)s FTE entered.") % {"fte": _number(fte)}),
        ),
        Check(
            "types",
            _("At least two member types"),
            yes_no(types >= MIN_TYPES),
            str(_("%(n)s of four types among the members.") % {"n": int(types)}),
        ),
        Check(
            "strategy",
            _("A strategy with measurable goals and an annual plan"),
            yes_no(strategy_ok),
            str(_("Both are in place."))
            if strategy_ok
            else str(_("Mark both when the strategy has measurable goals and the plan is written.")),
        ),
        Check(
            "survey",
            _("A member satisfaction survey"),
            yes_no(survey_in_year),
            str(_("A member survey was released in the last 12 months."))
            if survey_in_year
            else str(_("No member survey released in the last 12 months.")),
        ),
        _check_label(profile, today),
    ]


def assessment(cluster: Cluster, today: datetime.date | None = None) -> Assessment:
    """The cluster's self-assessment (call inside its scope)."""
    today = today or timezone.localdate()
    figures = PlatformFigures(cluster, today)
    values = values_of(figures)
    peers, peer_count = peer_figures(cluster)
    areas = [
        Area(key, name, [Row(i, values[i.key], peers[i.key]) for i in INDICATORS if i.area == key])
        for key, name in AREAS.items()
    ]
    profile = profile_of(cluster)
    return Assessment(
        cluster=cluster,
        areas=areas,
        checklist=checklist(profile, values, figures.member_survey_in_year(), today),
        profile=profile,
        peer_count=peer_count,
        values=values,
    )


def as_json(found: Assessment) -> dict[str, Any]:
    """What the API returns (and the PDF prints): numbers as floats, names in the active language."""

    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "areas": [
            {
                "key": area.key,
                "name": str(area.name),
                "indicators": [
                    {
                        "key": row.indicator.key,
                        "name": str(row.indicator.name),
                        "definition": str(row.indicator.definition),
                        "unit": row.indicator.unit,
                        "source": row.indicator.source,
                        "value": number(row.value),
                        "peers": None
                        if row.peers is None
                        else {
                            "count": row.peers.count,
                            "q1": float(row.peers.q1),
                            "median": float(row.peers.median),
                            "q3": float(row.peers.q3),
                        },
                    }
                    for row in area.rows
                ],
            }
            for area in found.areas
        ],
        "checklist": [
            {"key": c.key, "label": str(c.label), "status": c.status, "detail": c.detail}
            for c in found.checklist
        ],
        "profile": {
            "eccp_listed": found.profile.eccp_listed,
            "measurable_goals": found.profile.measurable_goals,
            "annual_plan": found.profile.annual_plan,
            "label": found.profile.label,
            "label_valid_until": found.profile.label_valid_until,
        },
        "peer_count": found.peer_count,
    }
