"""The demo cluster's publication and partner matching (issue 15, items 3 and 4): the manager has
turned the profile on, entered the facts the platform cannot know, declared what the cluster is
strong in and prefers partners across borders. Its top needs come from the demo's released
mapping round, so the partner page ranks the fictional directory (landscape/demo.py) against
them; the login contact's company has opted in with its strengths."""

from __future__ import annotations

from klyngekart.home.demo_mapping import MappingContext
from klyngekart.partners.services import company_partnering_save, partner_settings_save

SETTINGS = {
    "published": True,
    "geography": "cross_border",
    "region": "Vestland",
    "nuts": "NO0A",
    "founded": 2014,
    "programme": "arena_pro",
    "strengths_text": (
        "Havbruk og maritim drift i Vestland: fiskehelse og velferd, elektrifisering av fartøy og "
        "anlegg, fjernstyrt drift og sensorer i sjø, og et tett miljø av verft og utstyrsleverandører."
    ),
}
# The cluster's strengths: what its members are known for, and how strongly (1-3).
STRENGTHS = {
    "digital-iot-sensors": 3,
    "operations-hse": 3,
    "technology-electrical-electronics": 2,
    "operations-maintenance": 2,
    "green-environmental-regulation": 2,
    "green-climate-footprint": 1,
}
COMPANY_STRENGTHS = ["digital-iot-sensors", "operations-maintenance"]


def build_partners(context: MappingContext) -> None:
    profile = partner_settings_save(
        cluster=context.cluster, actor=context.manager, values=SETTINGS, strengths=STRENGTHS
    )
    company_partnering_save(
        membership=context.login_membership,
        actor=context.contact,
        opted_in=True,
        strengths=COMPANY_STRENGTHS,
    )
    context.created["published profile"] = int(profile is not None)
    context.created["declared strengths"] = len(STRENGTHS)
