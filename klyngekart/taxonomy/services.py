"""Writes to the competence taxonomy.

Every change goes through ``taxonomy_for_editing``: a version that a mapping round has pinned is
never changed, because that round's answers and its trend against later rounds are read through
it. Instead the change lands in a copy (copy-on-write), which becomes the current version. Area
codes are carried over unchanged, so rounds on different versions still compare by code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.taxonomy.defaults import ESCO_URI, default_areas
from klyngekart.taxonomy.models import CompetenceArea, CompetenceGroup, TaxonomyVersion

# The fields a cluster may change on an area; code, position and hidden have their own services.
EDITABLE_FIELDS = ("name_nb", "name_en", "description_nb", "description_en", "group", "esco")
_COPIED_FIELDS = (*EDITABLE_FIELDS, "code", "position", "hidden", "is_custom")
# slugify drops letters it cannot spell in ASCII; "Havvind O&M" must not become "havvind-m".
_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})
CODE_MAX_LENGTH = CompetenceArea._meta.get_field("code").max_length or 40


def _lock(cluster: Cluster) -> None:
    """Serialise taxonomy writes per cluster, so two first loads or two copy-on-writes cannot
    both create the same version number."""
    list(Cluster.objects.select_for_update().filter(pk=cluster.pk).values_list("pk", flat=True))


def _latest(cluster: Cluster) -> TaxonomyVersion | None:
    return TaxonomyVersion.objects.filter(cluster=cluster).order_by("-number").first()


def taxonomy_current(*, cluster: Cluster) -> TaxonomyVersion:
    """The cluster's current (highest) version; version 1 from the default file on first use."""
    version = _latest(cluster)
    if version is not None:
        return version
    with transaction.atomic():
        _lock(cluster)
        version = _latest(cluster)
        if version is not None:
            return version
        version = TaxonomyVersion(cluster=cluster, number=1)
        version.full_clean()
        version.save()
        CompetenceArea.objects.bulk_create(
            [
                CompetenceArea(
                    cluster=cluster,
                    version=version,
                    code=item["code"],
                    group=item["group"],
                    name_nb=item["name"]["nb"],
                    name_en=item["name"]["en"],
                    description_nb=item["description"]["nb"],
                    description_en=item["description"]["en"],
                    esco=list(item["esco"]),
                    position=index,
                )
                for index, item in enumerate(default_areas())
            ]
        )
    return version


def taxonomy_to_pin(*, cluster: Cluster) -> TaxonomyVersion:
    """The current version, for a new round to pin. Call inside the transaction that saves the
    round: it takes the taxonomy lock, so an edit that found the version unpinned has committed
    before, and one that starts after sees the round and copies. A pinned version's areas never
    change again, which lets readers cache them by version (surveys.results.round_areas)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("taxonomy_to_pin must run inside the transaction that saves the round.")
    first = taxonomy_current(cluster=cluster)
    _lock(cluster)
    # Read again under the lock: an edit may have committed a copy while this waited.
    return _latest(cluster) or first


def is_pinned(version: TaxonomyVersion) -> bool:
    """Whether any mapping round uses this version."""
    return version.rounds.exists()  # type: ignore[attr-defined]


def taxonomy_for_editing(*, cluster: Cluster, actor: Any) -> TaxonomyVersion:
    """The version that edits may change: the current one, or a fresh copy of it when a round
    has pinned it."""
    with transaction.atomic():
        _lock(cluster)
        current = taxonomy_current(cluster=cluster)
        if not is_pinned(current):
            return current
        copy = TaxonomyVersion(cluster=cluster, number=current.number + 1)
        copy.full_clean()
        copy.save()
        CompetenceArea.objects.bulk_create(
            [
                CompetenceArea(
                    cluster=cluster, version=copy, **{name: getattr(area, name) for name in _COPIED_FIELDS}
                )
                for area in current.areas.all()  # type: ignore[attr-defined]
            ]
        )
        audit_log(
            cluster=cluster,
            actor=actor,
            action="taxonomy.version.created",
            target=copy,
            data={"number": copy.number, "copied_from": current.number},
        )
        return copy


def _editable(area: CompetenceArea, actor: Any) -> CompetenceArea:
    """The same area (by code) in the version that may be changed. The caller's area may be in a
    pinned or older version; its code means the same area in every version."""
    version = taxonomy_for_editing(cluster=area.cluster, actor=actor)
    if area.version_id == version.pk:
        return area
    editable = CompetenceArea.objects.filter(version=version, code=area.code).first()
    if editable is None:
        raise ValidationError(_("This competence area is not in the current taxonomy."))
    return editable


def _clean_esco(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(uri, str) for uri in value):
        raise ValidationError({"esco": _("Give a list of ESCO concept addresses.")})
    uris = list(dict.fromkeys(uri.strip() for uri in value if uri.strip()))
    wrong = [uri for uri in uris if not ESCO_URI.match(uri)]
    if wrong:
        raise ValidationError(
            {"esco": _("Not an ESCO skill concept address: %(uris)s") % {"uris": ", ".join(wrong)}}
        )
    return uris


def area_update(*, area: CompetenceArea, actor: Any, data: Mapping[str, Any]) -> CompetenceArea:
    """Rename, describe, regroup or relink an area to ESCO. Unknown keys are refused."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        target = _editable(area, actor)
        changed = []
        for name, value in data.items():
            new = _clean_esco(value) if name == "esco" else value
            if getattr(target, name) != new:
                setattr(target, name, new)
                changed.append(name)
        if not changed:
            return target
        target.full_clean()
        target.save()
        audit_log(
            cluster=target.cluster,
            actor=actor,
            action="taxonomy.area.updated",
            target=target,
            data={"code": target.code, "version": target.version.number, "fields": changed},
        )
    return target


def _set_hidden(area: CompetenceArea, actor: Any, hidden: bool, action: str) -> CompetenceArea:
    with transaction.atomic():
        target = _editable(area, actor)
        if target.hidden == hidden:
            return target
        target.hidden = hidden
        target.save(update_fields=["hidden", "updated_at"])
        audit_log(
            cluster=target.cluster,
            actor=actor,
            action=action,
            target=target,
            data={"code": target.code, "version": target.version.number},
        )
    return target


def area_hide(*, area: CompetenceArea, actor: Any) -> CompetenceArea:
    """Leave the area out of new surveys and the API; old answers about it keep their name."""
    return _set_hidden(area, actor, True, "taxonomy.area.hidden")


def area_show(*, area: CompetenceArea, actor: Any) -> CompetenceArea:
    return _set_hidden(area, actor, False, "taxonomy.area.shown")


def area_move(*, area: CompetenceArea, actor: Any, position: int) -> CompetenceArea:
    """Move the area to ``position`` (0-based, clamped) among the areas of its group.

    The group's areas swap their existing position numbers among themselves, so the order of
    the other groups, and where each group sits in the whole list, stays as it was."""
    with transaction.atomic():
        target = _editable(area, actor)
        siblings = list(
            CompetenceArea.objects.filter(version=target.version, group=target.group)
            .select_for_update()
            .order_by("position", "code")
        )
        before = [sibling.pk for sibling in siblings]
        slots = sorted(sibling.position for sibling in siblings)
        # Equal positions (areas added with the same number) would make the swap a no-op.
        if len(set(slots)) != len(slots):
            slots = list(range(slots[0], slots[0] + len(slots)))
        moving = next(sibling for sibling in siblings if sibling.pk == target.pk)
        siblings.remove(moving)
        siblings.insert(max(0, min(position, len(siblings))), moving)
        if [sibling.pk for sibling in siblings] == before:
            return moving
        for slot, sibling in zip(slots, siblings, strict=True):
            sibling.position = slot
        CompetenceArea.objects.bulk_update(siblings, ["position"])
        audit_log(
            cluster=target.cluster,
            actor=actor,
            action="taxonomy.area.moved",
            target=moving,
            data={"code": moving.code, "version": target.version.number, "position": siblings.index(moving)},
        )
    return moving


def _new_code(cluster: Cluster, name_en: str) -> str:
    """A code from the English name, unique across every version of the cluster's taxonomy: a
    code keeps its meaning for ever, so one hidden or left behind in an old version is not reused."""
    base = slugify(name_en.translate(_NORWEGIAN_LETTERS))[:CODE_MAX_LENGTH].strip("-") or "area"
    taken = set(CompetenceArea.objects.filter(cluster=cluster).values_list("code", flat=True))
    code, counter = base, 2
    while code in taken:
        suffix = f"-{counter}"
        code = base[: CODE_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        counter += 1
    return code


def area_add(*, cluster: Cluster, actor: Any, data: Mapping[str, Any]) -> CompetenceArea:
    """A cluster's own area, last in its group, with a code made from its English name."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be set: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        version = taxonomy_for_editing(cluster=cluster, actor=actor)
        values = {name: data.get(name, "") for name in EDITABLE_FIELDS if name != "esco"}
        values["group"] = values["group"] or CompetenceGroup.OTHER
        last = version.areas.order_by("-position").values_list("position", flat=True).first()  # type: ignore[attr-defined]
        area = CompetenceArea(
            cluster=cluster,
            version=version,
            code=_new_code(cluster, str(values["name_en"])),
            esco=_clean_esco(data.get("esco", [])),
            position=0 if last is None else last + 1,
            is_custom=True,
            **values,
        )
        area.full_clean()
        area.save()
        audit_log(
            cluster=cluster,
            actor=actor,
            action="taxonomy.area.added",
            target=area,
            data={"code": area.code, "version": version.number},
        )
    return area
