"""The demo cluster's benchmarking self-assessment (issue 15, item 6): what a manager of a
two-and-a-half person cluster organisation would enter, beside the figures the platform computes
from the rest of the demo. The readiness checklist then shows a Bronze label due for renewal and
the one requirement left, the ECCP listing, which the demo leaves for the manager to tick."""

from __future__ import annotations

from datetime import timedelta

from klyngekart.benchmark.services import assessment_save
from klyngekart.home.demo_mapping import MappingContext

ENTRIES = {
    "management_fte": "2.5",
    "management_tenure": "4.5",
    "board_meetings": 6,
    "budget": 6800000,
    "private_share": 42,
    "joint_projects": 7,
    "media_mentions": 23,
    "international_partnerships": 3,
}


def build_benchmark(context: MappingContext) -> None:
    assessment_save(
        cluster=context.cluster,
        actor=context.manager,
        values=ENTRIES,
        profile={
            "eccp_listed": False,
            "measurable_goals": True,
            "annual_plan": True,
            "label": "bronze",
            "label_valid_until": context.today + timedelta(days=120),
        },
    )
    context.created["benchmark values"] = len(ENTRIES)
