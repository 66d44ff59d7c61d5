"""Every write to the directory. A profile and its tags are written together, with the text
that full-text search reads (``search_document``) built from both."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils.translation import override

from klyngekart.core.audit import audit_log
from klyngekart.core.tenancy import scope
from klyngekart.landscape import search
from klyngekart.landscape.models import ClusterProfile, ProfileTag, name_key, website_key
from klyngekart.landscape.reference import country_name, programme_name
from klyngekart.landscape.vocabulary import tag_search_words

Tag = tuple[str, str]  # (kind, code)


@dataclass
class ProfileData:
    """A profile's fields and its tags, as the importer, the demo and the scale data make them."""

    fields: dict[str, Any]
    tags: list[Tag] = field(default_factory=list)


def build_document(profile: ClusterProfile, tags: Iterable[Tag]) -> str:
    words = [word for kind, code in tags for word in tag_search_words(kind, code)]
    return search.document(
        profile.name,
        profile.acronym,
        profile.city,
        profile.region,
        profile.nuts,
        *_country_names(profile.country),
        profile.country,
        programme_name(profile.programme),
        profile.programme_level,
        website_key(profile.website),
        profile.description,
        tags=words,
    )


@cache
def _country_names(code: str) -> tuple[str, ...]:
    """The country's name in both languages, so "Tyskland" and "Germany" both find it."""
    names = []
    for language in ("nb", "en"):
        with override(language):
            names.append(country_name(code))
    return tuple(dict.fromkeys(names))


def _unique_tags(tags: Iterable[Tag]) -> list[Tag]:
    return list(dict.fromkeys(tags))


def profile_save(*, profile: ClusterProfile, tags: Sequence[Tag]) -> ClusterProfile:
    """Validate and save one profile and replace its tags."""
    tags = _unique_tags(tags)
    profile.search_document = build_document(profile, tags)
    profile.full_clean(
        exclude=["owner_cluster", "source_cluster"], validate_unique=False, validate_constraints=False
    )
    with transaction.atomic():
        profile.save()
        ProfileTag.objects.filter(profile=profile).delete()
        ProfileTag.objects.bulk_create(
            ProfileTag(profile=profile, kind=kind, code=code) for kind, code in tags
        )
    return profile


def profiles_bulk_create(items: Sequence[ProfileData], *, batch_size: int = 500) -> int:
    """Many new profiles at once (the demo directory, the scale data): two inserts per batch."""
    made = 0
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        profiles = []
        for item in batch:
            profile = ClusterProfile(**item.fields)
            profile.website_key = website_key(profile.website)
            profile.name_key = name_key(profile.name)
            profile.search_document = build_document(profile, item.tags)
            profiles.append(profile)
        with transaction.atomic():
            created = ClusterProfile.objects.bulk_create(profiles)
            ProfileTag.objects.bulk_create(
                ProfileTag(profile=profile, kind=kind, code=code)
                for profile, item in zip(created, batch, strict=True)
                for kind, code in _unique_tags(item.tags)
            )
        made += len(created)
    if connection.vendor == "postgresql":
        # Fresh statistics, so the planner uses the search and tag indexes on a freshly loaded table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE landscape_clusterprofile, landscape_profiletag")
    return made


def profile_update(
    *, profile: ClusterProfile, actor: Any, tags: Sequence[Tag], changed: Sequence[str] = ()
) -> ClusterProfile:
    """Save an edit of one profile. The caller has checked that ``actor`` may change it
    (access.owned_profile); an edit of a cluster's own record is in its change log."""
    profile_save(profile=profile, tags=tags)
    if profile.owner_cluster_id is not None:
        owner = profile.owner_cluster
        with scope(owner):  # type: ignore[arg-type]
            audit_log(
                cluster=owner,  # type: ignore[arg-type]
                actor=actor,
                action="landscape.profile.updated",
                target=profile,
                data={"changed": sorted(changed)},
            )
    return profile
