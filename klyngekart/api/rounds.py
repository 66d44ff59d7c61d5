"""API: rounds. See the module docstring of klyngekart/api/api.py for the conventions."""

from ninja import Router

router = Router(tags=["rounds"])
