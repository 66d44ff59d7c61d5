"""One door to a competence area inside a cluster: missing and another cluster's are the same 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from klyngekart.accounts.access import ClusterAccess
from klyngekart.taxonomy.models import CompetenceArea


def access_area(access: ClusterAccess, pk: int, permission: str) -> CompetenceArea:
    """The area ``pk`` (of any version) in the access's cluster, if the user may ``permission``."""
    area = CompetenceArea.objects.filter(cluster=access.cluster, pk=pk).select_related("version").first()
    if area is None:
        raise Http404("No such competence area")
    if not access.can(permission):
        raise PermissionDenied(_("Your role does not give access to this page."))
    return area
