"""The demo cluster's collaboration pipeline (issue 15, item 5): a handful of opportunities with
fictional clusters of the demo directory in blue growth and fishing, at every stage of the board,
with member companies, next steps and notes, and one next step that is overdue so the board, the
home page and the reminders have something to show. Built through the services, so the history
and the change log read as if the team had done it; once only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from klyngekart.accounts.models import ClusterRole, User
from klyngekart.collaborations.models import Opportunity, Stage
from klyngekart.collaborations.services import opportunity_create, opportunity_update
from klyngekart.home.demo_mapping import MappingContext
from klyngekart.landscape.demo import SOURCE
from klyngekart.landscape.models import ClusterProfile, TagKind
from klyngekart.members.models import Membership

# (title, description, partner countries, stages passed through, next step, days to it, note,
#  number of member companies involved besides the login company (None: not it), responsible)
PLANS: list[dict[str, Any]] = [
    {
        "title": "Felles fiskehelseprosjekt med Skottland",
        "description": "Lusebekjempelse uten legemidler: felles søknad til Horisont Europa.",
        "countries": ["IE", "DK"],
        "stages": [Stage.CONTACTED, Stage.MEETING, Stage.JOINT_PROJECT],
        "next_step": "Levere del B av søknaden til partnerne",
        "days": 12,
        "note": "Partnerne har bekreftet deltakelse; budsjettet fordeles etter arbeidspakker.",
        "login": True,
        "members": 2,
        "responsible": "manager",
    },
    {
        "title": "Studietur til havvindklyngen i Esbjerg",
        "description": "Leverandørene våre vil lære av danske verft som har gått fra olje til havvind.",
        "countries": ["DK"],
        "stages": [Stage.CONTACTED, Stage.MEETING],
        "next_step": "Avklare datoer og program med vertsklyngen",
        "days": -4,
        "note": "Godt første møte på Teams. De ønsker et gjenbesøk i Bergen til våren.",
        "login": False,
        "members": 3,
        "responsible": "staff",
    },
    {
        "title": "Digital tvilling for oppdrettsanlegg",
        "description": "Teknologileverandører i to klynger utvikler en felles plattform for fjernstyring.",
        "countries": ["NL"],
        "stages": [Stage.CONTACTED],
        "next_step": "Sende forslag til intensjonsavtale",
        "days": 6,
        "note": "",
        "login": True,
        "members": 1,
        "responsible": "staff",
    },
    {
        "title": "Grønn skipsfart i Østersjøen",
        "description": "Mulig felles pilot for elektriske arbeidsbåter.",
        "countries": ["FI", "SE"],
        "stages": [],
        "next_step": "Finne riktig kontaktperson i klyngene",
        "days": 14,
        "note": "Tips fra Innovasjon Norge etter klyngesamlingen.",
        "login": False,
        "members": 0,
        "responsible": "advisor",
    },
    {
        "title": "Sjømat til det franske markedet",
        "description": "Felles markedsfremstøt med en fransk klynge for matforedling.",
        "countries": ["FR"],
        "stages": [],
        "next_step": "",
        "days": None,
        "note": "",
        "login": False,
        "members": 0,
        "responsible": None,
    },
    {
        "title": "Kompetanseutveksling om fôrteknologi",
        "description": "Utveksling av ansatte mellom fôrprodusenter i to land.",
        "countries": ["ES"],
        "stages": [Stage.CONTACTED, Stage.MEETING, Stage.JOINT_PROJECT, Stage.COMPLETED],
        "next_step": "",
        "days": None,
        "note": "Seks ansatte var på utveksling; sluttrapporten er sendt.",
        "login": False,
        "members": 2,
        "responsible": "manager",
    },
    {
        "title": "Felles stand på Seafood Expo",
        "description": "For dyrt for klyngene i år; kan tas opp igjen.",
        "countries": ["IT"],
        "stages": [Stage.CONTACTED, Stage.DROPPED],
        "next_step": "",
        "days": None,
        "note": "",
        "login": False,
        "members": 0,
        "responsible": None,
    },
]
OVERDUE = "Studietur til havvindklyngen i Esbjerg"


def _partner(country: str, taken: set[int]) -> ClusterProfile | None:
    """A fictional demo cluster of ``country``, in blue growth or fishing where there is one."""
    profiles = ClusterProfile.objects.filter(fictional=True, source=SOURCE, country=country).exclude(
        pk__in=taken
    )
    sea = profiles.filter(tags__kind=TagKind.CATEGORY, tags__code__in=["blue_growth", "fishing"])
    return sea.order_by("name", "pk").first() or profiles.order_by("name", "pk").first()


def build_collaborations(context: MappingContext) -> None:
    cluster = context.cluster
    if Opportunity.objects.filter(cluster=cluster).exists():
        return
    roles = dict(ClusterRole.objects.filter(cluster=cluster).values_list("role", "user"))
    people = {role: User.objects.get(pk=pk) for role, pk in roles.items()}
    others = list(
        Membership.objects.filter(cluster=cluster, status="active")
        .exclude(pk=context.login_membership.pk)
        .order_by("name", "pk")
    )
    taken: set[int] = set()
    made = 0
    for number, plan in enumerate(PLANS):
        partners = [p for p in (_partner(country, taken) for country in plan["countries"]) if p is not None]
        if not partners:
            continue
        taken.update(p.pk for p in partners)
        members = others[number * 2 : number * 2 + plan["members"]]
        if plan["login"]:
            members = [context.login_membership, *members]
        responsible = people.get(plan["responsible"]) if plan["responsible"] else None
        opportunity = opportunity_create(
            cluster=cluster,
            actor=context.manager,
            data={
                "title": plan["title"],
                "description": plan["description"],
                "partners": partners,
                "members": members,
                "responsible": responsible,
            },
            today=context.today,
        )
        actor = responsible or context.manager
        for stage in plan["stages"]:
            opportunity = opportunity_update(
                opportunity=opportunity, actor=actor, data={"stage": stage}, today=context.today
            )
        if plan["note"]:
            opportunity = opportunity_update(
                opportunity=opportunity, actor=actor, data={"note": plan["note"]}, today=context.today
            )
        if plan["next_step"] and plan["days"] is not None:
            # An overdue step was set when its date was still ahead: set it, then let time pass.
            due = context.today + timedelta(days=plan["days"])
            opportunity = opportunity_update(
                opportunity=opportunity,
                actor=actor,
                data={"next_step": plan["next_step"], "next_step_on": max(due, context.today)},
                today=context.today,
            )
            if due < context.today:
                Opportunity.objects.filter(pk=opportunity.pk).update(next_step_on=due)
        elif plan["next_step"]:
            opportunity_update(
                opportunity=opportunity,
                actor=actor,
                data={"next_step": plan["next_step"]},
                today=context.today,
            )
        made += 1
    context.created["collaboration opportunities"] = made
