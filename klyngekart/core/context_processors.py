from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The cluster and role of the current page, for the header and the side navigation."""
    access = getattr(request, "access", None)
    return {"access": access, "current_cluster": getattr(request, "cluster", None)}
