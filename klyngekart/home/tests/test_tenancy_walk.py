"""Walk every page under /c/<cluster_slug>/ as every role, in its own cluster and in another.

The two clusters share a member company (``shared_worlds``): each has its own contact and member
user for it, its own facts about it (name, website, head count), its own membership record, strategy
and round. This is the tenancy promise for pages, tested as an outsider would try it:
- another cluster's pages and objects are 404, exactly like pages that do not exist;
- an object of another cluster addressed under one's own cluster is 404 too;
- a company role reaches only its own company's objects (404 for a neighbour's);
- a page above one's role is 403; a page within it answers;
- no page of one cluster mentions another cluster's companies, people, name, the facts it records
  about the shared company or the free texts of its records;
- POSTs that are refused change nothing, and nothing anyone does in one cluster changes what the
  other records about the shared company.

Every cluster URL must be listed in OBJECT_KWARGS, so a new page cannot slip past the walk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from klyngekart.accounts.access import PERMISSIONS
from klyngekart.accounts.models import ClusterRole, CompanyRole, Invitation
from klyngekart.accounts.services import invitation_create
from klyngekart.activities.models import Audience, Registration
from klyngekart.activities.tests.factories import ActivityFactory, RegistrationFactory
from klyngekart.benchmark.models import BenchmarkEntry
from klyngekart.collaborations.models import Opportunity, OpportunityEvent
from klyngekart.collaborations.tests.factories import make_opportunity
from klyngekart.conftest import CLUSTER_ROLES, COMPANY_ROLES, SharedWorlds, World
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.engagement.services import scores_rebuild
from klyngekart.landscape.models import ClusterProfile
from klyngekart.landscape.tests.factories import make_profile
from klyngekart.measures.tests.factories import MeasureFactory
from klyngekart.members.models import Company, Contact, Membership
from klyngekart.members.tests.factories import ContactFactory
from klyngekart.memberservices.models import MemberService
from klyngekart.memberservices.tests.factories import MemberServiceFactory
from klyngekart.needs.tests.factories import THIS_YEAR, MembershipStrategyFactory
from klyngekart.partners.models import CompanyPartnering, PartnerSettings
from klyngekart.reports.tests.factories import ReportJobFactory
from klyngekart.surveys.models import ReleasedText, RespondentInvitation, Round, RoundRelease
from klyngekart.surveys.tests.factories import (
    QuestionFactory,
    RoundCompanyFactory,
    RoundFactory,
    SectionFactory,
    SurveyFactory,
    SurveyVersionFactory,
)
from klyngekart.taxonomy.services import taxonomy_current
from klyngekart.webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db

ROLES = CLUSTER_ROLES + COMPANY_ROLES
ALLOWED_STATUSES = {200, 302, 405}
# Pages about "my company": a role without a company has nothing there (404).
# A company's invited addresses are its own people's only: the cluster team sees counts (404).
COMPANY_ONLY_URLS = {"members:my_company", "rounds:invitation_withdraw", "rounds:invitation_resend"}


def _prepare(world: World) -> dict[str, Any]:
    """Objects of every kind that a cluster URL can address, all inside ``world``, with texts that
    only this cluster wrote (the shared company's record, its contact, its strategy)."""
    slug = world.cluster.slug
    with scopes_disabled():
        Membership.objects.filter(pk=world.membership.pk).update(
            notes=f"Notat fra {slug}", tier=f"Nivå {slug}", annual_fee=Decimal("12345.00")
        )
        world.membership.refresh_from_db()
    contact = ContactFactory(
        membership=world.membership, cluster=world.cluster, phone=f"+47 400 00 {ord(slug[0])}"
    )
    with scopes_disabled():
        staff_role = ClusterRole.objects.get(cluster=world.cluster, user=world.users["staff"])
        invitation, _secret = invitation_create(
            cluster=world.cluster,
            email=f"newcomer@{world.cluster.slug}.example.no",
            role="staff",
            invited_by=world.users["manager"],
        )
    with scopes_disabled():
        member_role = CompanyRole.objects.get(cluster=world.cluster, user=world.users["member"])
        area = taxonomy_current(cluster=world.cluster).areas.order_by("position").first()
    MembershipStrategyFactory(
        membership=world.membership, year=THIS_YEAR, goals_text=f"Strategien til {slug} for bedriften"
    )
    round_ = RoundFactory(cluster=world.cluster, status="draft", taxonomy_version=area.version)  # type: ignore[union-attr]
    round_part = RoundCompanyFactory(
        round=round_, cluster=world.cluster, membership=world.membership, company=world.membership.company
    )
    with scopes_disabled():
        respondent_invitation = RespondentInvitation.objects.create(
            cluster=world.cluster,
            round_company=round_part,  # type: ignore[misc]
            round=round_,  # type: ignore[misc]
            email=f"ansatt@{slug}.example.no",
            token_hash=f"{slug}-walk".ljust(64, "0"),
        )
    survey = SurveyFactory(cluster=world.cluster)
    draft = SurveyVersionFactory(survey=survey, cluster=world.cluster, status="draft")
    draft_section = SectionFactory(version=draft, cluster=world.cluster)
    draft_question = QuestionFactory(section=draft_section, cluster=world.cluster)
    with scope(world.cluster):
        scores_rebuild(cluster=world.cluster)  # the engagement pages list the cluster's own members
    return {
        "survey": survey,
        "draft": draft,
        "draft_section": draft_section,
        "draft_question": draft_question,
        "membership": world.membership,
        "neighbour": world.other_membership,
        "contact": contact,
        "cluster_role": staff_role,
        "company_role": member_role,
        "invitation": invitation,
        "area": area,
        "round": round_,
        "round_part": round_part,
        "respondent_invitation": respondent_invitation,
        "report_job": ReportJobFactory(cluster=world.cluster),
        "comment": _released_comment(world, round_, round_part),
        "measure": MeasureFactory(cluster=world.cluster),
        "service": MemberServiceFactory(cluster=world.cluster, name_nb=f"Tjeneste {slug}"),
        "member_survey": _released_member_survey(world, area),
        "webhook": _webhook(world),
        # A directory record this cluster's manager imported: only this cluster may change it.
        "profile": make_profile(
            owner_cluster=world.cluster, name=f"Profil {slug}", website=f"https://{slug}.example"
        ),
        # An opportunity this cluster's member company is involved in, so its company roles read it.
        "opportunity": make_opportunity(
            cluster=world.cluster, title=f"Samarbeidet til {slug}", members=[world.membership]
        ),
        **_activity(world),
    }


def _webhook(world: World) -> Webhook:
    with scopes_disabled():
        return Webhook.objects.create(
            cluster=world.cluster, url=f"http://127.0.0.1:9/{world.cluster.slug}", events=["member.added"]
        )


def _released_member_survey(world: World, area: Any) -> Any:
    survey = SurveyFactory(cluster=world.cluster, kind="annual_member")
    version = SurveyVersionFactory(survey=survey, cluster=world.cluster, status="published")
    round_: Round = RoundFactory(  # type: ignore[assignment]
        cluster=world.cluster, survey_version=version, status="closed", taxonomy_version=area.version
    )
    with scopes_disabled():
        RoundRelease.objects.create(cluster=world.cluster, round=round_, status="ready")
    return round_


def _activity(world: World) -> dict[str, Any]:
    activity = ActivityFactory(cluster=world.cluster, audience=Audience.MEMBERS)
    registration = RegistrationFactory(
        activity=activity, membership=world.membership, email=world.users["member"].email
    )
    return {"activity": activity, "registration": registration}


def _released_comment(world: World, round_: Any, part: Any) -> ReleasedText:
    with scopes_disabled():
        return ReleasedText.objects.create(
            cluster=world.cluster,
            round=round_,
            round_company=part,
            question_key="challenges",
            text="Mer opplæring i automasjon.",
            position=1,
        )


# URL name -> the path arguments (besides cluster_slug) built from a world's objects.
OBJECT_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "cluster:home": lambda o: {},
    "cluster:audit": lambda o: {},
    "cluster:settings": lambda o: {},
    "cluster_barometer:settings": lambda o: {},
    "members:list": lambda o: {},
    "members:create": lambda o: {},
    "members:my_company": lambda o: {},
    "members:import": lambda o: {},
    "members:import_confirm": lambda o: {},
    "members:import_template": lambda o: {},
    "members:export": lambda o: {},
    "members:detail": lambda o: {"pk": o["membership"].pk},
    "members:edit": lambda o: {"pk": o["membership"].pk},
    "members:end": lambda o: {"pk": o["membership"].pk},
    "members:register_refresh": lambda o: {"pk": o["membership"].pk},
    "members:contact_add": lambda o: {"pk": o["membership"].pk},
    "members:contact_edit": lambda o: {"pk": o["membership"].pk, "contact_pk": o["contact"].pk},
    "members:contact_delete": lambda o: {"pk": o["membership"].pk, "contact_pk": o["contact"].pk},
    "people:list": lambda o: {},
    "people:invite": lambda o: {},
    "people:role_change": lambda o: {"pk": o["cluster_role"].pk},
    "people:role_remove": lambda o: {"pk": o["cluster_role"].pk},
    "people:company_role_remove": lambda o: {"pk": o["company_role"].pk},
    "people:invitation_revoke": lambda o: {"pk": o["invitation"].pk},
    "people:invitation_resend": lambda o: {"pk": o["invitation"].pk},
    "taxonomy:index": lambda o: {},
    "taxonomy:area_add": lambda o: {},
    "taxonomy:area_edit": lambda o: {"pk": o["area"].pk},
    "taxonomy:area_hide": lambda o: {"pk": o["area"].pk},
    "taxonomy:area_show": lambda o: {"pk": o["area"].pk},
    "taxonomy:area_move": lambda o: {"pk": o["area"].pk},
    "strategy:index": lambda o: {},
    "strategy:company": lambda o: {"pk": o["membership"].pk},
    "strategy:detail": lambda o: {"pk": o["membership"].pk, "year": THIS_YEAR},
    "strategy:edit": lambda o: {"pk": o["membership"].pk, "year": THIS_YEAR},
    "strategy:lock": lambda o: {},
    "strategy:unlock": lambda o: {},
    "surveys:list": lambda o: {},
    "surveys:create": lambda o: {},
    "surveys:create_from_template": lambda o: {},
    "surveys:import": lambda o: {},
    "surveys:detail": lambda o: {"pk": o["survey"].pk},
    "surveys:new_version": lambda o: {"pk": o["survey"].pk},
    "surveys:edit": lambda o: {"pk": o["draft"].pk},
    "surveys:publish": lambda o: {"pk": o["draft"].pk},
    "surveys:preview": lambda o: {"pk": o["draft"].pk},
    "surveys:export": lambda o: {"pk": o["draft"].pk},
    "surveys:section_add": lambda o: {"pk": o["draft"].pk},
    "surveys:section_edit": lambda o: {"pk": o["draft_section"].pk},
    "surveys:section_move": lambda o: {"pk": o["draft_section"].pk},
    "surveys:section_delete": lambda o: {"pk": o["draft_section"].pk},
    "surveys:question_add": lambda o: {"pk": o["draft_section"].pk},
    "surveys:question_edit": lambda o: {"pk": o["draft_question"].pk},
    "surveys:question_move": lambda o: {"pk": o["draft_question"].pk},
    "surveys:question_delete": lambda o: {"pk": o["draft_question"].pk},
    "rounds:list": lambda o: {},
    "rounds:create": lambda o: {},
    "rounds:detail": lambda o: {"pk": o["round"].pk},
    "rounds:open": lambda o: {"pk": o["round"].pk},
    "rounds:close": lambda o: {"pk": o["round"].pk},
    "rounds:extend": lambda o: {"pk": o["round"].pk},
    "rounds:remind": lambda o: {"pk": o["round"].pk},
    "rounds:held": lambda o: {"pk": o["round"].pk},
    "rounds:company": lambda o: {"pk": o["round"].pk, "part_pk": o["round_part"].pk},
    "rounds:invite": lambda o: {"pk": o["round"].pk, "part_pk": o["round_part"].pk},
    "rounds:invitation_withdraw": lambda o: {
        "pk": o["round"].pk,
        "part_pk": o["round_part"].pk,
        "invitation_pk": o["respondent_invitation"].pk,
    },
    "rounds:invitation_resend": lambda o: {
        "pk": o["round"].pk,
        "part_pk": o["round_part"].pk,
        "invitation_pk": o["respondent_invitation"].pk,
    },
    "rounds:open_link": lambda o: {"pk": o["round"].pk, "part_pk": o["round_part"].pk},
    "rounds:poster": lambda o: {"pk": o["round"].pk, "part_pk": o["round_part"].pk},
    "rounds:qr_png": lambda o: {"pk": o["round"].pk, "part_pk": o["round_part"].pk},
    "rounds:qr_svg": lambda o: {"pk": o["round"].pk, "part_pk": o["round_part"].pk},
    "results:cluster": lambda o: {},
    "results:mine": lambda o: {},
    "results:company": lambda o: {"round_id": o["round"].pk, "rc_id": o["round_part"].pk},
    "reports:company_pdf": lambda o: {"round_id": o["round"].pk, "rc_id": o["round_part"].pk},
    "results:comment_hide": lambda o: {"round_id": o["round"].pk, "comment_id": o["comment"].pk},
    "reports:index": lambda o: {},
    "reports:job": lambda o: {"pk": o["report_job"].pk},
    "reports:download": lambda o: {"pk": o["report_job"].pk},
    "measures:list": lambda o: {},
    "measures:create": lambda o: {},
    "measures:impact": lambda o: {},
    "measures:detail": lambda o: {"pk": o["measure"].pk},
    "measures:edit": lambda o: {"pk": o["measure"].pk},
    "measures:status": lambda o: {"pk": o["measure"].pk},
    "measures:invite": lambda o: {"pk": o["measure"].pk},
    "measures:interest": lambda o: {"pk": o["measure"].pk},
    "measures:withdraw": lambda o: {"pk": o["measure"].pk},
    "activities:list": lambda o: {},
    "cluster_calendar": lambda o: {},
    "activities:create": lambda o: {},
    "activities:detail": lambda o: {"pk": o["activity"].pk},
    "activities:edit": lambda o: {"pk": o["activity"].pk},
    "activities:register": lambda o: {"pk": o["activity"].pk},
    "activities:cancel": lambda o: {"pk": o["activity"].pk, "registration_pk": o["registration"].pk},
    "activities:check_in": lambda o: {"pk": o["activity"].pk},
    "activities:check_in_close": lambda o: {"pk": o["activity"].pk},
    "activities:check_in_one": lambda o: {"pk": o["activity"].pk, "registration_pk": o["registration"].pk},
    "activities:feedback": lambda o: {},
    "activities:impact": lambda o: {},
    "activities:feedback_send": lambda o: {"pk": o["activity"].pk},
    "needs:index": lambda o: {},
    "benchmark:index": lambda o: {},
    "webhooks:list": lambda o: {},
    "webhooks:create": lambda o: {},
    "webhooks:detail": lambda o: {"pk": o["webhook"].pk},
    "webhooks:test": lambda o: {"pk": o["webhook"].pk},
    "webhooks:rotate": lambda o: {"pk": o["webhook"].pk},
    "webhooks:delete": lambda o: {"pk": o["webhook"].pk},
    "benchmark:edit": lambda o: {},
    "reports:benchmark_pdf": lambda o: {},
    "engagement:index": lambda o: {},
    "engagement:settings": lambda o: {},
    "engagement:mail": lambda o: {},
    "memberservices:list": lambda o: {},
    "memberservices:create": lambda o: {},
    "memberservices:edit": lambda o: {"pk": o["service"].pk},
    "memberservices:survey_new": lambda o: {},
    "memberservices:pulse": lambda o: {},
    "memberservices:results": lambda o: {"round_id": o["member_survey"].pk},
    "landscape_cluster:import": lambda o: {},
    "landscape_cluster:edit": lambda o: {"pk": o["profile"].pk},
    "collaborations:board": lambda o: {},
    "collaborations:list": lambda o: {},
    "collaborations:create": lambda o: {},
    "collaborations:detail": lambda o: {"pk": o["opportunity"].pk},
    "collaborations:edit": lambda o: {"pk": o["opportunity"].pk},
    "collaborations:move": lambda o: {"pk": o["opportunity"].pk},
    "collaborations:next_step": lambda o: {"pk": o["opportunity"].pk},
    "collaborations:note": lambda o: {"pk": o["opportunity"].pk},
    "partners:index": lambda o: {},
    "partners:settings": lambda o: {},
    "partners:company": lambda o: {},
}
# URLs that address one member company: a company role may reach its own, never a neighbour's.
COMPANY_OBJECT_URLS = {
    name
    for name, build in OBJECT_KWARGS.items()
    if "pk"
    in build(
        {
            k: type("O", (), {"pk": 1})()
            for k in (
                "membership",
                "neighbour",
                "contact",
                "cluster_role",
                "company_role",
                "invitation",
                "area",
                "round",
                "round_part",
                "respondent_invitation",
                "survey",
                "draft",
                "draft_section",
                "draft_question",
                "report_job",
                "measure",
                "comment",
                "service",
                "member_survey",
                "profile",
                "activity",
                "registration",
                "webhook",
                "opportunity",
            )
        }
    )
    and name.startswith(("members:", "strategy:"))
}


def _cluster_patterns() -> Iterator[tuple[str, Any]]:
    """(namespaced name, view) for every URL whose route has a cluster_slug."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str, Any]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else (entry.namespace or namespace)
                )
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield prefix + str(entry.pattern), name, entry.callback

    for route, name, view in walk(get_resolver().url_patterns, "", ""):
        if "<slug:cluster_slug>" in route:
            yield name, view


def _snapshot() -> tuple[object, ...]:
    with scopes_disabled():
        return (
            Membership.objects.count(),
            Contact.objects.count(),
            ClusterRole.objects.count(),
            CompanyRole.objects.count(),
            Invitation.objects.filter(revoked_at__isnull=True).count(),
            AuditLog.objects.count(),
            Registration.objects.exclude(status="cancelled").count(),
            RespondentInvitation.objects.filter(withdrawn=True).count(),
            MemberService.objects.count(),
            BenchmarkEntry.objects.count(),
            Webhook.objects.count(),
            WebhookDelivery.objects.count(),
            tuple(Webhook.objects.order_by("pk").values_list("secret", flat=True)),
            tuple(ClusterProfile.objects.order_by("pk").values_list("name", "updated_at")),
            tuple(Opportunity.objects.order_by("pk").values_list("stage", "next_step", "updated_at")),
            OpportunityEvent.objects.count(),
            tuple(PartnerSettings.objects.order_by("pk").values_list("cluster_id", "published", "geography")),
            tuple(CompanyPartnering.objects.order_by("pk").values_list("membership_id", "opted_in")),
        )


def _secrets_of(world: World, objects: dict[str, Any]) -> list[str]:
    """Strings from ``world`` that must never appear on another cluster's pages: its name, its
    people, its own company (org number and all), and what it records about the company the two
    clusters share. (The shared company's org number is both clusters' to show.)"""
    shared, neighbour = objects["membership"], objects["neighbour"]
    contact = objects["contact"]
    values = [world.cluster.name, contact.name, contact.email, contact.phone]
    values += [shared.name, shared.notes, shared.tier, f"Strategien til {world.cluster.slug}"]
    values += [value for value in (shared.website, shared.municipality) if value]
    values += [neighbour.name, neighbour.company.org_number or ""]
    values += [objects["service"].name_nb, objects["opportunity"].title]
    values += [user.email for user in world.users.values()]
    values += [user.full_name for user in world.users.values() if user.full_name]
    return values


def _shared_records(shared: SharedWorlds) -> list[dict[str, Any]]:
    """The shared company's record and each cluster's own record of it."""
    with scopes_disabled():
        company = dict(Company.objects.values().get(pk=shared.company.pk))
        records = [
            dict(row) for row in Membership.objects.filter(company=shared.company).order_by("pk").values()
        ]
    return [company, *records]


@pytest.fixture
def worlds(shared_worlds: SharedWorlds) -> tuple[tuple[World, dict], tuple[World, dict]]:
    return (shared_worlds.a, _prepare(shared_worlds.a)), (shared_worlds.b, _prepare(shared_worlds.b))


def test_the_walks_clusters_share_a_company_and_record_it_differently(worlds) -> None:
    (home, _objects), (away, _away_objects) = worlds
    assert home.membership.company_id == away.membership.company_id
    assert home.membership.name != away.membership.name
    assert home.membership.website != away.membership.website


def test_every_cluster_url_is_in_the_walk() -> None:
    names = {name for name, _view in _cluster_patterns()}
    assert names, "no cluster URLs found"
    missing = names - OBJECT_KWARGS.keys()
    assert not missing, f"add these cluster URLs to OBJECT_KWARGS: {sorted(missing)}"
    stale = OBJECT_KWARGS.keys() - names
    assert not stale, f"these URLs no longer exist: {sorted(stale)}"


def test_every_cluster_view_declares_its_permission() -> None:
    for name, view in _cluster_patterns():
        permission = getattr(view, "cluster_permission", None)
        assert permission in PERMISSIONS, f"{name} is not behind @cluster_view with a known permission"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["a", "b"])
def test_walk_every_page_as_every_role(shared_worlds, worlds, client, role: str, side: str) -> None:
    (home, home_objects), (away, away_objects) = worlds if side == "a" else worlds[::-1]
    records = _shared_records(shared_worlds)
    user = home.users[role]
    client.force_login(user)
    forbidden_strings = _secrets_of(away, away_objects)
    for name, view in _cluster_patterns():
        permission = view.cluster_permission
        allowed = role in PERMISSIONS[permission]

        # 1. Own cluster, own objects: answers within the role, 403 above it.
        own_url = reverse(
            name, kwargs={"cluster_slug": home.cluster.slug, **OBJECT_KWARGS[name](home_objects)}
        )
        response = client.get(own_url)
        if allowed and name in COMPANY_ONLY_URLS and role not in COMPANY_ROLES:
            assert response.status_code == 404, f"{role} GET {own_url}: {response.status_code}"
        elif allowed:
            assert response.status_code in ALLOWED_STATUSES, f"{role} GET {own_url}: {response.status_code}"
            if response.status_code == 200:
                body = response.content.decode(errors="replace")
                for secret in forbidden_strings:
                    assert secret not in body, f"{role} sees {secret!r} of another cluster on {own_url}"
        else:
            assert response.status_code in {403, 405}, f"{role} GET {own_url}: {response.status_code}"
            before = _snapshot()
            assert client.post(own_url, {}).status_code == 403, f"{role} POST {own_url} not refused"
            assert _snapshot() == before

        # 2. Another cluster, its own objects: 404, for GET and POST, and nothing changes.
        away_url = reverse(
            name, kwargs={"cluster_slug": away.cluster.slug, **OBJECT_KWARGS[name](away_objects)}
        )
        # (405 for GET on a POST-only address is said before any lookup, so it reveals nothing.)
        assert client.get(away_url).status_code in {404, 405}, f"{role} reached {away_url}"
        before = _snapshot()
        assert client.post(away_url, {}).status_code == 404, f"{role} POST reached {away_url}"
        assert _snapshot() == before

        # 3. Own cluster address, another cluster's object: 404 (same as a missing object).
        kwargs = OBJECT_KWARGS[name](away_objects)
        if kwargs and allowed:
            mixed_url = reverse(name, kwargs={"cluster_slug": home.cluster.slug, **kwargs})
            assert client.get(mixed_url).status_code in {404, 405}, f"{role} reached {mixed_url}"
            before = _snapshot()
            assert client.post(mixed_url, {}).status_code == 404, f"{role} POST reached {mixed_url}"
            assert _snapshot() == before

        # 4. A company role and a neighbouring member company in the same cluster: 404.
        if role in COMPANY_ROLES and name in COMPANY_OBJECT_URLS and allowed:
            neighbour = {**home_objects, "membership": home_objects["neighbour"]}
            neighbour_url = reverse(
                name, kwargs={"cluster_slug": home.cluster.slug, **OBJECT_KWARGS[name](neighbour)}
            )
            assert client.get(neighbour_url).status_code in {403, 404}, f"{role} reached {neighbour_url}"

    # Nothing this role did changed what either cluster records about the shared company.
    assert _shared_records(shared_worlds) == records


def test_anonymous_visitors_are_sent_to_log_in(worlds, client) -> None:
    (home, home_objects), _away = worlds
    for name, _view in _cluster_patterns():
        url = reverse(name, kwargs={"cluster_slug": home.cluster.slug, **OBJECT_KWARGS[name](home_objects)})
        response = client.get(url)
        assert response.status_code in {302, 405}, f"anonymous GET {url}: {response.status_code}"
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
