"""Writes of partner matching: the cluster's publication and preferences, its declared strengths
(the manager's, audited) and a member company's opt-in (its contact's, audited). Each write of
the cluster's refreshes its published profile at once (``publication.profile_refresh``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.landscape.models import ClusterProfile
from klyngekart.members.models import Membership
from klyngekart.partners.models import ClusterStrength, CompanyPartnering, CompanyStrength, Depth, Geography
from klyngekart.partners.publication import profile_refresh, settings_of
from klyngekart.taxonomy.models import CompetenceArea
from klyngekart.taxonomy.services import taxonomy_current

SETTINGS_FIELDS = (
    "published",
    "geography",
    "region",
    "nuts",
    "founded",
    "programme",
    "programme_level",
    "strengths_text",
)
MAX_STRENGTHS = 15


def area_codes(cluster: Cluster) -> set[str]:
    """The codes a strength may name: the cluster's current competence areas."""
    version = taxonomy_current(cluster=cluster)
    return set(CompetenceArea.objects.filter(version=version, hidden=False).values_list("code", flat=True))


def _clean_strengths(cluster: Cluster, strengths: Mapping[str, Any]) -> dict[str, int]:
    known = area_codes(cluster)
    errors: list[str] = []
    out: dict[str, int] = {}
    for code, raw in strengths.items():
        if code not in known:
            errors.append(_("%(code)s is not one of the cluster's competence areas.") % {"code": code})
            continue
        if raw in (None, "", 0, "0"):
            continue
        try:
            depth = int(raw)
        except (TypeError, ValueError):
            depth = 0
        if depth not in Depth.values:
            errors.append(_("Choose a depth from 1 to 3 for %(code)s.") % {"code": code})
            continue
        out[code] = depth
    if len(out) > MAX_STRENGTHS:
        errors.append(
            _("Declare at most %(count)s strengths: the ones partners should know you for.")
            % {"count": MAX_STRENGTHS}
        )
    if errors:
        raise ValidationError({"strengths": errors})
    return out


def _clean_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: values[key] for key in SETTINGS_FIELDS if key in values}
    errors: dict[str, list[str]] = {}
    if "geography" in out and out["geography"] not in Geography.values:
        errors["geography"] = [_("Choose nearby, across borders or no preference.")]
    nuts = str(out.get("nuts") or "").strip().upper()
    if "nuts" in out:
        if nuts and not (2 <= len(nuts) <= 5 and nuts[:2].isalpha() and nuts.isalnum()):
            errors["nuts"] = [_("Enter a NUTS code such as NO06 or NO060.")]
        out["nuts"] = nuts
    for key in ("region", "programme", "programme_level", "strengths_text"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def partner_settings_save(
    *, cluster: Cluster, actor: Any, values: Mapping[str, Any], strengths: Mapping[str, Any] | None = None
) -> ClusterProfile | None:
    """Store the manager's choices (``values``: any of SETTINGS_FIELDS) and, when given, the
    declared strengths ({area code: depth 1-3, or empty to drop}); everything is checked before
    anything is written. Publishes, refreshes or withdraws the profile; returns it."""
    cleaned = _clean_settings(values)
    chosen = _clean_strengths(cluster, strengths) if strengths is not None else None
    record = settings_of(cluster)
    changed = [key for key, value in cleaned.items() if getattr(record, key) != value]
    for key in changed:
        setattr(record, key, cleaned[key])
    record.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    record.full_clean(exclude=["cluster", "updated_by"])
    record.save()
    if chosen is not None:
        current = dict(ClusterStrength.objects.filter(cluster=cluster).values_list("area_code", "depth"))
        if current != chosen:
            ClusterStrength.objects.filter(cluster=cluster).exclude(area_code__in=list(chosen)).delete()
            for code, depth in chosen.items():
                if current.get(code) != depth:
                    ClusterStrength.objects.update_or_create(
                        cluster=cluster, area_code=code, defaults={"depth": depth}
                    )
            changed.append("strengths")
            audit_log(
                cluster=cluster,
                actor=actor,
                action="partners.strengths.saved",
                target=record,
                data={"strengths": chosen},
            )
    if changed:
        audit_log(
            cluster=cluster,
            actor=actor,
            action=_publication_action(changed, record.published),
            target=record,
            data={"changed": sorted(changed), "published": record.published},
        )
    return profile_refresh(cluster, actor=actor)


def _publication_action(changed: Sequence[str], published: bool) -> str:
    if "published" in changed:
        return "partners.profile.published" if published else "partners.profile.withdrawn"
    return "partners.settings.saved"


@transaction.atomic
def company_partnering_save(
    *, membership: Membership, actor: Any, opted_in: bool, strengths: Sequence[str]
) -> CompanyPartnering:
    """The company contact's choice: be found by member companies of other clusters (or not) and
    the areas the company is strong in. The caller has checked the actor speaks for the company."""
    cluster = membership.cluster
    known = area_codes(cluster)
    codes = list(dict.fromkeys(strengths))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError({"strengths": [_("Choose among the cluster's competence areas.")]})
    if len(codes) > MAX_STRENGTHS:
        raise ValidationError(
            {"strengths": [_("Declare at most %(count)s strengths.") % {"count": MAX_STRENGTHS}]}
        )
    if opted_in and not codes:
        raise ValidationError({"strengths": [_("Choose at least one strength to be found by.")]})
    record = CompanyPartnering.objects.filter(membership=membership).first() or CompanyPartnering(
        cluster=cluster, membership=membership
    )
    before = (
        record.opted_in,
        sorted(CompanyStrength.objects.filter(membership=membership).values_list("area_code", flat=True)),
    )
    record.opted_in = opted_in
    record.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    record.save()
    CompanyStrength.objects.filter(membership=membership).exclude(area_code__in=codes).delete()
    have = set(CompanyStrength.objects.filter(membership=membership).values_list("area_code", flat=True))
    CompanyStrength.objects.bulk_create(
        CompanyStrength(cluster=cluster, membership=membership, area_code=code)
        for code in codes
        if code not in have
    )
    if before != (opted_in, sorted(codes)):
        audit_log(
            cluster=cluster,
            actor=actor,
            action="partners.company.saved",
            target=membership,
            data={"opted_in": opted_in, "strengths": sorted(codes)},
        )
    return record
