"""The public survey API: the contract outside tools rely on (issue 3, "API")."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import Response, SegmentCount
from klyngekart.surveys.tests.answering import AREA_CODES, build_mapping, full_answers, invite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


@pytest.fixture
def mapping(world):  # type: ignore[no-untyped-def]
    return build_mapping(world.membership)


def submit(client: Client, token: str, answers: Any, key: str | None = "key-1"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/public/surveys/{token}/responses",
        data=json.dumps({"answers": answers}),
        content_type="application/json",
        headers={"Idempotency-Key": key} if key is not None else {},
    )


def test_the_survey_reads_with_keys_types_options_and_areas(client, mapping) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"/api/v1/public/surveys/{mapping.token}?lang=en").json()
    assert body["round"] == {"title": mapping.round.title, "closes_on": mapping.round.closes_on.isoformat()}
    assert body["cluster"] == mapping.company.cluster.name
    assert body["company"] == mapping.company.company.name
    assert body["language"] == "en"
    assert [len(section["questions"]) for section in body["sections"]] == [1, 2, 6]
    questions = {q["key"]: q for section in body["sections"] for q in section["questions"]}
    role = questions["role"]
    assert set(role) == {
        "key",
        "type",
        "text",
        "help",
        "required",
        "options",
        "allow_other",
        "min",
        "max",
        "show_if",
        "areas",
    }
    assert role["type"] == "single" and role["required"] is True
    assert role["options"] == [
        {"key": "production", "label": "Production"},
        {"key": "office", "label": "Office"},
    ]
    assert [area["code"] for area in questions["gaps"]["areas"]] == list(AREA_CODES)
    assert set(questions["gaps"]["areas"][0]) == {"code", "name", "description", "group", "group_name"}
    assert questions["hours"]["min"] == 0 and questions["hours"]["max"] == 200
    assert questions["why_mentoring"]["show_if"] == {"question": "forms", "equals": "mentoring"}
    assert questions["culture"]["text"] == mapping.questions["culture"].text_en
    norwegian = client.get(f"/api/v1/public/surveys/{mapping.token}?lang=nb").json()
    assert norwegian["language"] == "nb"
    assert norwegian["sections"][0]["questions"][0]["options"][1]["label"] == "Kontor"


def test_a_submission_is_201_then_200_with_the_same_body(client, mapping) -> None:  # type: ignore[no-untyped-def]
    first = submit(client, mapping.token, full_answers())
    assert first.status_code == 201
    assert first.json()["stored"] is True and first.json()["receipt"]
    again = submit(client, mapping.token, full_answers(role="office"))
    assert again.status_code == 200 and again.json() == first.json()
    with scope(mapping.round.cluster):
        assert Response.objects.count() == 1
        assert not SegmentCount.objects.filter(segment="role=office").exists()


def test_without_an_idempotency_key_it_is_400(client, mapping) -> None:  # type: ignore[no-untyped-def]
    assert submit(client, mapping.token, full_answers(), key=None).status_code == 400
    assert submit(client, mapping.token, full_answers(), key="").status_code == 400


def test_invalid_answers_are_422_per_question_key(client, mapping) -> None:  # type: ignore[no-untyped-def]
    reply = submit(client, mapping.token, {"role": "boss", "gaps": {"nope": {"importance": 1, "level": 1}}})
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert set(detail) == {"role", "gaps", "culture"} and all(isinstance(v, str) for v in detail.values())


def test_a_closed_round_is_410_and_an_unknown_token_404(client, mapping) -> None:  # type: ignore[no-untyped-def]
    assert submit(client, "no-such-token", full_answers()).status_code == 404
    assert client.get("/api/v1/public/surveys/no-such-token").status_code == 404
    with scopes_disabled():
        mapping.round.status = "closed"
        mapping.round.save()
    assert submit(client, mapping.token, full_answers()).status_code == 410
    assert client.get(f"/api/v1/public/surveys/{mapping.token}").status_code == 410


def test_a_personal_link_answers_once(client, mapping) -> None:  # type: ignore[no-untyped-def]
    token = invite(mapping.company, language="en")
    assert client.get(f"/api/v1/public/surveys/{token}").json()["language"] == "en"
    assert submit(client, token, full_answers(), key="a").status_code == 201
    assert submit(client, token, full_answers(), key="a").status_code == 200
    assert submit(client, token, full_answers(), key="b").status_code == 409


def test_it_needs_no_csrf_cookie_nor_api_token(mapping) -> None:  # type: ignore[no-untyped-def]
    strict = Client(enforce_csrf_checks=True)
    assert submit(strict, mapping.token, full_answers()).status_code == 201


def test_one_clusters_token_cannot_reach_another_clusters_round(client, world, other_world, mapping) -> None:  # type: ignore[no-untyped-def]
    theirs = build_mapping(other_world.membership)
    body = client.get(f"/api/v1/public/surveys/{mapping.token}").content.decode()
    assert other_world.cluster.name not in body and other_world.membership.company.name not in body
    assert world.other_membership.company.name not in body
    assert submit(client, mapping.token, full_answers()).status_code == 201
    with scopes_disabled():
        assert not Response.objects.filter(round=theirs.round).exists()
        assert Response.objects.get().round_id == mapping.round.pk


@override_settings(KLYNGEKART_RESPOND_ANONYMOUS_POSTS=2)
def test_submissions_over_the_limit_are_429_and_the_window_counts_again_once_gone(client, mapping) -> None:  # type: ignore[no-untyped-def]
    assert submit(client, mapping.token, full_answers(), key="a").status_code == 201
    assert submit(client, mapping.token, full_answers(), key="b").status_code == 201
    assert submit(client, mapping.token, full_answers(), key="c").status_code == 429
    cache.clear()  # the window's counter expired
    assert submit(client, mapping.token, full_answers(), key="c").status_code == 201
    keys = [str(key) for key in cache._cache]  # type: ignore[attr-defined]
    # The rate limit's counters (per address and link, per address) and the open link's burst
    # counter, each under a keyed hash.
    assert sum("respond-rate" in key for key in keys) == 2
    assert not any("127.0.0.1" in key for key in keys)


def test_a_submission_over_the_api_reads_only_the_token(client, mapping) -> None:  # type: ignore[no-untyped-def]
    """Once a worker has the round's definitions, a POST reads one row (the link token) and then
    only writes: drafts, counts, the response, answers and gap rows (and on SQLite random rowids
    for the response and its answers). Nothing is summed: that is the release's work, when the
    round closes."""
    assert submit(client, mapping.token, full_answers(), key="warm").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        assert submit(client, mapping.token, full_answers(role="office"), key="counted").status_code == 201
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    reads = [sql for sql in statements if sql.startswith("SELECT")]
    assert len(reads) == 1 and "link_token" in reads[0], reads
    assert len(statements) == (8 if connection.vendor == "sqlite" else 6), statements
