"""Free text as a release shows it: without e-mail addresses, phone numbers or the names of people
registered in the cluster.

An anonymous answer can still name someone ("Ring meg på 912 34 567", "Kari Nordmann i
innkjøp bør ..."), and a comment that names its writer or a colleague undoes the anonymity the
k rule gives the figures. So the release replaces what such a comment would identify someone by.
Names come from the cluster's own register of people (accounts with a role in the cluster or in one
of its member companies, and the contact persons of its memberships): a list, not a guess, so an
ordinary word is never taken for a name unless a person registered in the cluster is called that.
The team can still hide a comment that names someone in another way (surveys/release_texts.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A phone number: an optional +country or 00country, then 7 to 15 digits, in groups separated by
# single spaces, dots, dashes or slashes (Norwegian "912 34 567", "22 33 44 55", "+47 91234567").
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(?\d\)?[ ./-]?){6,14}\d(?!\w)")
MIN_NAME_PART = 3

EMAIL_MARK = _("[e-mail]")
PHONE_MARK = _("[phone]")
NAME_MARK = _("[name]")


def _digits(text: str) -> int:
    return sum(character.isdigit() for character in text)


@dataclass(frozen=True)
class Scrubber:
    """Replaces e-mail addresses, phone numbers and the given people's names in a text.

    Full names are matched whatever the case; a single part of a name (a first or last name on
    its own) only when written with a capital, as names are, so "Per" the name goes but "per dag"
    stays."""

    full_names: tuple[str, ...] = ()
    name_parts: tuple[str, ...] = ()

    @classmethod
    def for_names(cls, names: Iterable[str]) -> Scrubber:
        full: set[str] = set()
        parts: set[str] = set()
        for name in names:
            cleaned = " ".join(str(name).split())
            if not cleaned or "@" in cleaned:
                continue
            words = [word for word in re.split(r"[\s,]+", cleaned) if len(word) >= MIN_NAME_PART]
            if len(words) > 1:
                full.add(cleaned)
            parts.update(word for word in words if word[:1].isupper())
        # Longest first, so "Kari Nordmann" is replaced whole before "Kari" alone could be.
        return cls(
            tuple(sorted(full, key=lambda value: (-len(value), value))),
            tuple(sorted(parts, key=lambda value: (-len(value), value))),
        )

    def scrub(self, text: str) -> str:
        text = EMAIL.sub(str(EMAIL_MARK), text)
        text = PHONE.sub(
            lambda match: str(PHONE_MARK) if _digits(match.group()) >= 8 else match.group(), text
        )
        for name in self.full_names:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", str(NAME_MARK), text, flags=re.IGNORECASE)
        for part in self.name_parts:
            text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", str(NAME_MARK), text)
        return text


def cluster_scrubber(cluster: Any) -> Scrubber:
    """A scrubber for the names of everyone registered in ``cluster``: its team, the accounts with a
    role in one of its member companies, and its memberships' contact persons."""
    return Scrubber.for_names(cluster_people_names(cluster))


def cluster_people_names(cluster: Any) -> list[str]:
    """The names of the cluster's team, of the accounts with a role in its member companies, and
    of its memberships' contact persons. Read inside the cluster's scope."""
    from klyngekart.accounts.models import ClusterRole, CompanyRole
    from klyngekart.members.models import Contact

    names = list(ClusterRole.objects.filter(cluster=cluster).values_list("user__full_name", flat=True))
    names += CompanyRole.objects.filter(cluster=cluster).values_list("user__full_name", flat=True)
    names += Contact.objects.filter(cluster=cluster).values_list("name", flat=True)
    return [name for name in names if name]
