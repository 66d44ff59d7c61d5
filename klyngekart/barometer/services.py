"""The barometer's writes: taking part, the public switch, the facts and the editions.

Facts change per cluster (``facts_refresh``): when one of its rounds is released (signals.py) and
when it joins or leaves. Each change builds a new edition (``edition_build``), which decides every
figure once; pages and the API only read the newest edition's cells.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from klyngekart.barometer.models import (
    BarometerCell,
    BarometerEdition,
    BarometerFact,
    BarometerParticipation,
    BarometerShown,
    BarometerSite,
)
from klyngekart.barometer.suppression import (
    Fact,
    cross_view_allows,
    decide,
    group_of,
    history_allows,
    signature_of,
    views_of,
)
from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.privacy import k_threshold
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys import results

# A company "has the need" in an area when its mean gap reaches this, as on the needs page.
NEED_THRESHOLD = Decimal("1.0")
# Editions whose cells are kept (the newest is shown; one before it for a reader mid-request).
KEEP_EDITIONS = 2


def installation_k(clusters: list[Cluster]) -> int:
    """The barometer's k: the installation's setting (default 5), raised to the strictest k of
    the clusters taking part, so no cluster's figures are shown under a smaller group than its own
    pages would allow."""
    base = int(getattr(settings, "KLYNGEKART_BAROMETER_K", 5))
    return max([base, *(k_threshold(cluster) for cluster in clusters)])


def participating_clusters() -> list[Cluster]:
    with scopes_disabled():
        ids = BarometerParticipation.objects.filter(opted_in=True).values_list("cluster_id", flat=True)
        return list(Cluster.objects.filter(pk__in=list(ids), is_active=True).order_by("pk"))


def is_participating(cluster: Cluster) -> bool:
    with scope(cluster):
        return BarometerParticipation.objects.filter(cluster=cluster, opted_in=True).exists()


def participation_set(*, cluster: Cluster, opted_in: bool, actor: Any) -> bool:
    """The manager's choice (audited). Returns whether it changed; a change refreshes the cluster's
    facts and builds a new edition once the choice is committed."""
    with scope(cluster), transaction.atomic():
        row, _created = BarometerParticipation.objects.select_for_update().get_or_create(cluster=cluster)
        if row.opted_in == opted_in:
            return False
        row.opted_in = opted_in
        row.save(update_fields=["opted_in", "updated_at"])
        audit_log(
            cluster=cluster,
            actor=actor,
            action="barometer.joined" if opted_in else "barometer.left",
            target=cluster,
        )
        cluster_id = cluster.pk
        transaction.on_commit(lambda: refresh_later(cluster_id))
    return True


def refresh_later(cluster_id: int) -> None:
    from klyngekart.barometer.tasks import refresh_cluster

    refresh_cluster(cluster_id)


def site_settings() -> BarometerSite:
    row, _created = BarometerSite.objects.get_or_create(pk=1)
    return row


def site_set_public(*, public: bool, actor: Any) -> BarometerSite:
    """The platform admin's switch: the page and the API open to everyone, or to signed-in users."""
    row = site_settings()
    row.public = public
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    row.save()
    return row


def facts_refresh(cluster: Cluster) -> int:
    """Replace the cluster's facts with what its released rounds hold now (none when it does not
    take part). Returns the number of facts."""
    with scope(cluster), transaction.atomic():
        BarometerFact.objects.filter(cluster=cluster).delete()
        if not BarometerParticipation.objects.filter(cluster=cluster, opted_in=True).exists():
            return 0
        rows = [
            BarometerFact(
                cluster=cluster,
                round_id=row.round_id,
                year=row.year,
                company_id=row.company_id,
                sector=row.sector,
                region=row.region,
                size=row.size,
                area_code=row.area_code,
                n=row.n,
                sum_gap=row.sum_gap,
            )
            for row in results.barometer_sums(cluster)
        ]
        BarometerFact.objects.bulk_create(rows, batch_size=2000)
        return len(rows)


def _digest(signature: dict[str, int]) -> str:
    return hashlib.sha256(json.dumps(signature, sort_keys=True).encode()).hexdigest()


def _figures(members: list[Fact], k: int) -> dict[str, Any]:
    group = group_of(members)
    answers = group.answers
    total_gap = sum(fact.sum_gap for fact in members)
    eligible = [fact for fact in members if fact.n >= k]
    with_need = [fact for fact in eligible if Decimal(fact.sum_gap) / Decimal(fact.n) >= NEED_THRESHOLD]
    share = None
    if len({fact.company_id for fact in eligible}) >= k:
        share = (Decimal(len(with_need)) / Decimal(len(eligible))).quantize(Decimal("0.0001"))
    return {
        "answers": answers,
        "companies": group.companies,
        "clusters": group.clusters,
        "mean_gap": (Decimal(total_gap) / Decimal(answers)).quantize(Decimal("0.01")),
        "need_share": share,
    }


def edition_build(years: set[int] | None = None) -> BarometerEdition:
    """Decide every figure from the facts of the clusters taking part, in one transaction.

    With ``years`` (the years whose facts changed), only those years are decided again and the
    other years' cells are carried over from the newest edition, which holds exactly what deciding
    them again would give: their facts, the clusters behind them and their history are unchanged.
    When k changed (a cluster with a stricter k joined or left) every year is decided again."""
    clusters = participating_clusters()
    k = installation_k(clusters)
    ids = [cluster.pk for cluster in clusters]
    with scopes_disabled(), transaction.atomic():
        previous = BarometerEdition.objects.filter(ready=True).order_by("-pk").first()
        if years is not None and (previous is None or previous.k != k):
            years = None
        grouped: dict[tuple[int, str], list[Fact]] = defaultdict(list)
        facts_of = BarometerFact.objects.filter(cluster_id__in=ids)
        if years is not None:
            facts_of = facts_of.filter(year__in=sorted(years))
        rows = facts_of.order_by("year", "area_code", "cluster_id", "company_id").values_list(
            "year",
            "area_code",
            "cluster_id",
            "round_id",
            "company_id",
            "sector",
            "region",
            "size",
            "n",
            "sum_gap",
        )
        for year, code, cluster_id, round_id, company_id, sector, region, size, n, sum_gap in rows.iterator(
            chunk_size=5000
        ):
            grouped[(year, code)].append(
                Fact(cluster_id, round_id, company_id, sector, region, size, n, sum_gap)
            )
        companies = BarometerFact.objects.filter(cluster_id__in=ids).values("company_id").distinct().count()
        edition = BarometerEdition.objects.create(k=k, clusters=len(ids), companies=companies)
        history: dict[tuple[int, str, str, str], list[dict[str, int]]] = defaultdict(list)
        by_area: dict[tuple[int, str], list[tuple[tuple[str, str], dict[str, int]]]] = defaultdict(list)
        for year, code, dimension, value, signature in BarometerShown.objects.values_list(
            "year", "area_code", "dimension", "value", "signature"
        ):
            history[(year, code, dimension, value)].append(signature)
            by_area[(year, code)].append(((dimension, value), signature))
        cells: list[BarometerCell] = []
        shown: list[BarometerShown] = []
        if years is not None and previous is not None:
            carried = BarometerCell.objects.filter(edition=previous).exclude(year__in=sorted(years))
            for cell in carried.iterator(chunk_size=5000):
                cell.pk = None
                cell.edition = edition
                cells.append(cell)
        for (year, code), facts in grouped.items():
            views = views_of(facts)
            for (dimension, value), reason in decide(facts, k, views).items():
                members = [facts[index] for index in views[(dimension, value)]]
                key = (year, code, dimension, value)
                figures: dict[str, Any] = {}
                if not reason:
                    signature = signature_of(members)
                    others = [old for view, old in by_area[(year, code)] if view != (dimension, value)]
                    if history_allows(signature, history[key], k) and cross_view_allows(signature, others, k):
                        figures = _figures(members, k)
                        if signature not in history[key]:
                            shown.append(
                                BarometerShown(
                                    edition=edition,
                                    year=year,
                                    area_code=code,
                                    dimension=dimension,
                                    value=value,
                                    signature=signature,
                                    digest=_digest(signature),
                                )
                            )
                    else:
                        reason = "change"
                cells.append(
                    BarometerCell(
                        edition=edition,
                        year=year,
                        area_code=code,
                        dimension=dimension,
                        value=value,
                        reason=reason,
                        **figures,
                    )
                )
        BarometerCell.objects.bulk_create(cells, batch_size=2000)
        # Two builds at once may record the same showing: the first row stands.
        BarometerShown.objects.bulk_create(shown, batch_size=2000, ignore_conflicts=True)
        edition.ready = True
        edition.save(update_fields=["ready"])
        older = (
            BarometerEdition.objects.filter(pk__lt=edition.pk).order_by("-pk").values_list("pk", flat=True)
        )
        stale = list(older[KEEP_EDITIONS - 1 :])
        if stale:
            BarometerCell.objects.filter(edition_id__in=stale).delete()
    return edition


def cluster_changed(cluster_id: int) -> BarometerEdition | None:
    """A cluster's released rounds or its choice changed: refresh its facts, build an edition.
    Nothing to do for a cluster that never took part and has no facts."""
    with scopes_disabled():
        cluster = Cluster.objects.filter(pk=cluster_id).first()
        if cluster is None:
            return None
        had_facts = BarometerFact.objects.filter(cluster=cluster).exists()
    if not had_facts and not is_participating(cluster):
        return None
    with scope(cluster):
        before = set(BarometerFact.objects.filter(cluster=cluster).values_list("year", flat=True))
    facts_refresh(cluster)
    with scope(cluster):
        after = set(BarometerFact.objects.filter(cluster=cluster).values_list("year", flat=True))
    return edition_build(years=before | after)
