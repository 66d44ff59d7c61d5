"""Each role's home shows its next step: the open round with a reminder, released results, the
top needs with "create a measure", measures waiting for interest, the strategy to write; and an
empty panel says what to do next."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.measures.tests.factories import MeasureFactory, MeasureInterestFactory, make_measure
from klyngekart.members.tests.factories import ContactFactory
from klyngekart.needs.models import MembershipStrategy
from klyngekart.surveys.models import RespondentInvitation, Round
from klyngekart.surveys.tests.factories import RoundCompanyFactory, RoundFactory
from klyngekart.surveys.tests.results_world import build_round, fill, release

pytestmark = pytest.mark.django_db


def body_of(world, login, role: str) -> str:  # type: ignore[no-untyped-def]
    response = login(world.users[role]).get(f"/c/{world.cluster.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def open_round_with_our_company(world):  # type: ignore[no-untyped-def]
    round_ = RoundFactory(cluster=world.cluster, title="Vårkartlegging")
    part = RoundCompanyFactory(round=round_, cluster=world.cluster, membership=world.membership)
    return round_, part


def test_the_manager_sees_the_open_round_with_a_reminder_link(world, login):
    round_, _part = open_round_with_our_company(world)
    body = body_of(world, login, "manager")
    assert "Vårkartlegging" in body
    detail = reverse("rounds:detail", args=[world.cluster.slug, round_.pk])
    assert f'href="{detail}#kk-remind"' in body
    # Nothing is released and nothing proposed: the empty panels say what comes next.
    assert reverse("rounds:create", args=[world.cluster.slug]) not in body
    assert f'href="{reverse("measures:create", args=[world.cluster.slug])}"' in body


def test_a_cluster_without_rounds_tells_the_manager_to_start_one(world, login):
    body = body_of(world, login, "manager")
    assert f'href="{reverse("rounds:create", args=[world.cluster.slug])}"' in body
    # The board cannot start one, and is not offered to.
    board = body_of(world, login, "board")
    assert reverse("rounds:create", args=[world.cluster.slug]) not in board
    assert 'id="kk-next-rounds"' in board


def test_released_results_bring_the_top_needs_with_create_a_measure(world, login):
    made = build_round(world.cluster)
    for seed in range(3):
        fill(made.add_company(), 6, seed=seed)
    release(made.round)
    body = body_of(world, login, "manager")
    create = reverse("measures:create", args=[world.cluster.slug])
    assert f"{create}?areas=" in body
    assert f"round={made.round.pk}" in body
    results = reverse("results:cluster", args=[world.cluster.slug])
    assert f'href="{results}?round={made.round.pk}"' in body
    assert reverse("needs:index", args=[world.cluster.slug]) in body
    # The advisor reads the same needs but cannot create a measure; a contact sees no cluster needs.
    advisor = body_of(world, login, "advisor")
    assert 'id="kk-next-needs"' in advisor and f"{create}?areas=" not in advisor
    assert 'id="kk-next-needs"' not in body_of(world, login, "contact")


def test_an_unreleased_round_shows_no_needs(world, login):
    made = build_round(world.cluster)
    fill(made.add_company(), 6)
    body = body_of(world, login, "manager")
    assert "kk-next-needs" in body
    assert "?areas=" not in body


def test_measures_waiting_for_interest_show_their_interest_so_far(world, login):
    waiting = MeasureFactory(cluster=world.cluster, title="Kurs i sveising")
    MeasureInterestFactory(measure=waiting, membership=world.membership, participants=3)
    MeasureFactory(cluster=world.cluster, title="Ferdig kurs", status="completed")
    body = body_of(world, login, "board")
    assert "Kurs i sveising" in body
    assert "1 company, 3 participants" in body
    assert "Ferdig kurs" not in body


def test_the_contact_is_asked_for_this_years_strategy_then_shown_it(world, login):
    year = timezone.localdate().year
    edit = reverse("strategy:edit", args=[world.cluster.slug, world.membership.pk, year])
    assert f'href="{edit}"' in body_of(world, login, "contact")
    with scope(world.cluster):
        MembershipStrategy.objects.create(
            cluster=world.cluster, membership=world.membership, year=year, status="submitted"
        )
    body = body_of(world, login, "contact")
    assert f'href="{edit}"' not in body
    assert (
        f'href="{reverse("strategy:detail", args=[world.cluster.slug, world.membership.pk, year])}"' in body
    )


def test_the_contact_sees_its_round_measures_to_join_and_its_results(world, login):
    round_, part = open_round_with_our_company(world)
    MeasureFactory(cluster=world.cluster, title="Lederkurs")
    MeasureFactory(cluster=world.cluster, title="Idé som ikke er klar", status="idea")
    body = body_of(world, login, "contact")
    assert "Vårkartlegging" in body
    assert reverse("rounds:company", args=[world.cluster.slug, round_.pk, part.pk]) in body
    assert "Lederkurs" in body and "Idé som ikke er klar" not in body
    # A contact cannot send the cluster's reminders.
    assert "#kk-remind" not in body


def test_the_contact_is_pointed_to_its_own_results_once_released(world, login):
    made = build_round(world.cluster)
    fill(made.add_company(world.membership), 6)
    release(made.round)
    body = body_of(world, login, "contact")
    assert f'href="{reverse("results:mine", args=[world.cluster.slug])}"' in body


def test_a_member_user_learns_about_the_round_and_whom_to_ask(world, login):
    ContactFactory(membership=world.membership, name="Hilde HR", email="hilde@bedrift.no", is_primary=True)
    body = body_of(world, login, "member")
    assert "Nothing waits for you" in body
    open_round_with_our_company(world)
    body = body_of(world, login, "member")
    assert "Vårkartlegging" in body
    assert "mailto:hilde@bedrift.no" in body
    assert reverse("accounts:profile") in body


def test_another_clusters_round_never_shows(world, other_world, login):
    RoundFactory(cluster=other_world.cluster, title="Fremmed runde")
    MeasureFactory(cluster=other_world.cluster, title="Fremmed tiltak")
    for role in ("manager", "contact", "member"):
        body = body_of(world, login, role)
        assert "Fremmed runde" not in body and "Fremmed tiltak" not in body


# --- the reminder the home page links to -------------------------------------------------------


def invite(part, email: str, *, sent_on: dt.date) -> RespondentInvitation:  # type: ignore[no-untyped-def]
    with scope(part.cluster):
        return RespondentInvitation.objects.create(
            cluster=part.cluster,
            round_company=part,
            email=email,
            token_hash=secrets.token_hex(32),
            sent_on=sent_on,
        )


def test_send_a_reminder_now_reminds_those_not_answered_once_a_day(
    world, login, django_capture_on_commit_callbacks
):
    round_, part = open_round_with_our_company(world)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    invite(part, "ola@bedrift.no", sent_on=yesterday)
    done = invite(part, "kari@bedrift.no", sent_on=yesterday)
    with scope(world.cluster):
        RespondentInvitation.objects.filter(pk=done.pk).update(status="completed")
    client = login(world.users["manager"])
    detail = reverse("rounds:detail", args=[world.cluster.slug, round_.pk])
    page = client.get(detail).content.decode()
    assert 'id="kk-remind"' in page
    remind = reverse("rounds:remind", args=[world.cluster.slug, round_.pk])
    assert f'action="{remind}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind)
    assert response.status_code == 302 and response["Location"] == detail
    assert [message.to for message in mail.outbox] == [["ola@bedrift.no"]]
    with scopes_disabled():
        entry = AuditLog.objects.get(action="surveys.round.reminded")
    assert entry.actor == world.users["manager"]
    # The same day again: no one is reminded twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(remind)
    assert mail.outbox == []


def test_only_the_cluster_team_may_send_reminders(world, login):
    round_, _part = open_round_with_our_company(world)
    remind = reverse("rounds:remind", args=[world.cluster.slug, round_.pk])
    assert login(world.users["manager"]).get(remind).status_code == 405
    for role in ("advisor", "board", "contact", "member"):
        assert login(world.users[role]).post(remind).status_code == 403


def test_a_round_that_is_not_open_reminds_no_one_and_says_why(
    world, login, django_capture_on_commit_callbacks
):
    round_, part = open_round_with_our_company(world)
    invite(part, "ola@bedrift.no", sent_on=timezone.localdate() - dt.timedelta(days=1))
    with scopes_disabled():
        Round.objects.filter(pk=round_.pk).update(status="closed")
    client = login(world.users["manager"])
    remind = reverse("rounds:remind", args=[world.cluster.slug, round_.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind, follow=True)
    assert "Reminders can only be sent while the round is open." in response.content.decode()
    assert mail.outbox == []
    with scopes_disabled():
        assert not AuditLog.objects.filter(action="surveys.round.reminded").exists()


# --- rounds, results, needs and measures link to each other ----------------------------------------


def test_a_released_round_its_results_needs_and_measures_link_both_ways(world, login):
    made = build_round(world.cluster)
    for seed in range(3):
        fill(made.add_company(), 6, seed=seed)
    release(made.round)
    from_need = make_measure(cluster=world.cluster, title="Fra behovet", source_round=made.round)
    MeasureFactory(cluster=world.cluster, title="Uten runde")
    slug, pk = world.cluster.slug, made.round.pk
    round_url = reverse("rounds:detail", args=[slug, pk])
    results_url = f"{reverse('results:cluster', args=[slug])}?round={pk}"
    needs_url = f"{reverse('needs:index', args=[slug])}?round={pk}"
    measures_url = f"{reverse('measures:list', args=[slug])}?round={pk}"
    client = login(world.users["manager"])
    pages = {
        "round": client.get(round_url).content.decode(),
        "results": client.get(results_url).content.decode(),
        "needs": client.get(needs_url).content.decode(),
    }
    for name, body in pages.items():
        for other, url in (("round", round_url), ("results", results_url), ("needs", needs_url)):
            if other != name:
                linked = f'href="{url}"' in body.replace("&amp;", "&")
                assert linked, f"the {name} page has no link to {other}"
        assert f'href="{measures_url}"' in body, f"the {name} page has no link to its measures"
    measures = client.get(measures_url).content.decode()
    assert "Fra behovet" in measures and "Uten runde" not in measures
    assert f'href="{needs_url}"' in measures
    detail = client.get(reverse("measures:detail", args=[slug, from_need.pk])).content.decode()
    assert f'href="{needs_url}"' in detail and f'href="{round_url}"' in detail


def test_overdue_next_steps_of_the_pipeline_show_for_those_who_work_it(world, login):
    from klyngekart.collaborations.tests.factories import make_opportunity

    today = timezone.localdate()
    make_opportunity(
        cluster=world.cluster,
        title="Forsinket samarbeid",
        next_step="Ring partneren",
        next_step_on=today - dt.timedelta(days=2),
        members=[world.membership],
    )
    make_opportunity(cluster=world.cluster, title="I rute", next_step="Møte", next_step_on=today)
    for role in ("manager", "staff", "advisor"):
        body = body_of(world, login, role)
        assert "Forsinket samarbeid" in body and "I rute" not in body
    for role in ("board", "contact"):
        assert "Forsinket samarbeid" not in body_of(world, login, role)
