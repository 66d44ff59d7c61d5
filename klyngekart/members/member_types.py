"""The four member types that cluster statistics (ESCA, the European Cluster Collaboration Platform)
count, derived from what the member register already knows of a company (NACE Rev. 2.1 / SN2025):
public administration (section P), research and education (section Q, and division 72, scientific
research and development), otherwise a large company (250 employees or more) or an SME (under 250). A company
whose size is not known is of no type until it is."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from klyngekart.members.models import SizeClass

SME = "sme"
LARGE = "large"
RESEARCH = "research"
PUBLIC = "public"

MEMBER_TYPES = {
    SME: _("SMEs"),
    LARGE: _("Large companies"),
    RESEARCH: _("Research and education"),
    PUBLIC: _("Public sector"),
}


def member_type(nace_section: str, nace_code: str, size_class: str) -> str:
    """The member type of a company, or "" when it is a business whose size is not known."""
    if nace_section == "P":
        return PUBLIC
    if nace_section == "Q" or (nace_code or "").startswith("72"):
        return RESEARCH
    if size_class == SizeClass.LARGE:
        return LARGE
    if size_class in {SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM}:
        return SME
    return ""
