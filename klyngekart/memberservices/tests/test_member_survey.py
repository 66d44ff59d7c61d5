"""The member survey end to end: built from the active services, answered through the submit
service, released at close, and read back as the map, the trends and the NPS."""

from __future__ import annotations

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Membership
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.memberservices import selectors
from klyngekart.memberservices.services import service_question_keys
from klyngekart.memberservices.tests.helpers import add_service, answer, open_and_release, start_survey
from klyngekart.surveys import results
from klyngekart.surveys.models import Audience, Question, SurveyKind


def _services(world):
    a = add_service(world.cluster, "Møteplasser", order=1)
    b = add_service(world.cluster, "Kurs", order=2)
    c = add_service(world.cluster, "Nyhetsbrev", order=3)
    d = add_service(world.cluster, "Messestand", order=4)
    e = add_service(world.cluster, "Rådgivning", order=5)
    return a, b, c, d, e


def test_the_survey_asks_about_the_active_services_of_the_contacts(world):
    a, b, *_ = _services(world)
    add_service(world.cluster, "Nedlagt", active=False)
    round_ = start_survey(world.cluster)
    with scope(world.cluster):
        keys = list(
            Question.objects.filter(version_id=round_.survey_version_id).values_list("key", flat=True)
        )
        kind = round_.survey_version.survey.kind
    assert round_.audience == Audience.CONTACTS
    assert kind == SurveyKind.ANNUAL_MEMBER
    assert keys[:4] == [*service_question_keys(a.pk), *service_question_keys(b.pk)]
    assert len([key for key in keys if key.startswith("svc_")]) == 10  # five active services, two each
    assert "nps" in keys and "more_of" in keys
    with scopes_disabled():
        assert (
            round_.companies.count()
            == Membership.objects.filter(cluster=world.cluster, status="active").count()
        )


def test_no_survey_without_an_active_service(world):
    import pytest
    from django.core.exceptions import ValidationError

    add_service(world.cluster, "Nedlagt", active=False)
    with pytest.raises(ValidationError):
        start_survey(world.cluster)


def _fill_first(a, b, c, d, e):
    def fill(parts):
        for part in parts:
            for index in range(6):
                scores: dict[int, tuple[int | None, int | None]] = {
                    a.pk: (5, 2),
                    b.pk: (5, 5),
                    c.pk: (1, 1),
                    d.pk: (1, 5),
                }
                # Rådgivning: only three answers in all, below k.
                scores[e.pk] = (4, 4) if part is parts[0] and index < 3 else (None, None)
                answer(part, nps=10, scores=scores)

    return fill


def test_map_quadrants_suppression_and_nps(world):
    a, b, c, d, e = _services(world)
    round_ = open_and_release(start_survey(world.cluster), _fill_first(a, b, c, d, e))
    with scope(world.cluster):
        service_map = selectors.service_map(round_)
    by_id = {point.service_id: point for point in service_map.points}
    assert service_map.importance_split == 3.0  # (5 + 5 + 1 + 1) / 4
    assert service_map.satisfaction_split == 3.25  # (2 + 5 + 1 + 5) / 4
    assert by_id[a.pk].quadrant == selectors.CONCENTRATE
    assert by_id[b.pk].quadrant == selectors.KEEP_UP
    assert by_id[c.pk].quadrant == selectors.LOW_PRIORITY
    assert by_id[d.pk].quadrant == selectors.OVERKILL
    assert by_id[a.pk].importance.value == results.ScaleFigure(5.0, 12)
    # Three answers: suppressed, no quadrant, and it does not move the splits.
    assert by_id[e.pk].importance.suppressed and by_id[e.pk].satisfaction.suppressed
    assert by_id[e.pk].quadrant is None
    with scope(world.cluster):
        nps = selectors.nps_trend(selectors.member_survey_rounds(world.cluster))
    assert [(p.nps.value.score, p.nps.value.n, p.change) for p in nps if p.nps.value] == [(100, 12, None)]


def test_trend_between_rounds(world):
    a, b, c, d, e = _services(world)
    first = open_and_release(start_survey(world.cluster, "2025"), _fill_first(a, b, c, d, e))

    def fill_second(parts):
        for part in parts:
            for index in range(6):
                answer(part, nps=10 if index % 2 else 0, scores={a.pk: (5, 4), b.pk: (4, 4)})

    with scope(world.cluster):
        e.active = False  # no longer asked about
        e.save()
    second = open_and_release(start_survey(world.cluster, "2026"), fill_second)
    with scope(world.cluster):
        rounds = selectors.member_survey_rounds(world.cluster)
        trends = {t.service_id: t for t in selectors.service_trends(rounds)}
        nps = selectors.nps_trend(rounds)
    assert [r.pk for r in rounds] == [first.pk, second.pk]
    assert [p.satisfaction.value.mean for p in trends[a.pk].points if p.satisfaction.value] == [2.0, 4.0]
    assert [p.round.pk for p in trends[e.pk].points] == [first.pk]
    assert [(p.nps.value.score, p.change) for p in nps if p.nps.value] == [(100, None), (0, -100)]


VESTLAND, ROGALAND = "46", "11"


def test_segments_follow_the_k_rule(world):
    a, b, *_ = _services(world)
    third: Membership = MembershipFactory(cluster=world.cluster)  # type: ignore[assignment]
    # Region codes as the member register keeps them: 46 Vestland, 11 Rogaland.
    regions = {world.membership.pk: VESTLAND, world.other_membership.pk: ROGALAND, third.pk: ROGALAND}
    with scopes_disabled():
        for pk, region in regions.items():
            Membership.objects.filter(pk=pk).update(region=region)
    counts = {world.membership.pk: 6, world.other_membership.pk: 3, third.pk: 2}

    def fill(parts):
        for part in parts:
            for _ in range(counts[part.membership_id]):
                answer(part, nps=9, scores={a.pk: (4, 3), b.pk: (2, 5)})

    round_ = open_and_release(start_survey(world.cluster), fill)
    with scope(world.cluster):
        maps = {m.group: m for m in selectors.service_maps(round_, segment_kind="region")}
    # 11 answers: Vestland 6 (one company), Rogaland 5 (two small companies): both reach k, and
    # the small companies' 5 answers together reach k too.
    assert set(maps) == {results.ROUND, ROGALAND, VESTLAND}
    assert maps[ROGALAND].points[0].importance.value == results.ScaleFigure(4.0, 5)
    assert maps[VESTLAND].points[0].importance.value == results.ScaleFigure(4.0, 6)

    counts[third.pk] = 1
    round_ = open_and_release(start_survey(world.cluster, "2"), fill)
    with scope(world.cluster):
        maps = {m.group: m for m in selectors.service_maps(round_, segment_kind="region")}
    # Rogaland has 4: hidden, and so is the whole round, since the round minus Vestland's own
    # company figure would be those 4.
    assert all(point.suppressed for m in maps.values() for point in m.points)


def test_nps_per_segment_follows_the_same_rule_as_the_map(world):
    a, *_ = _services(world)
    third: Membership = MembershipFactory(cluster=world.cluster)  # type: ignore[assignment]
    regions = {world.membership.pk: VESTLAND, world.other_membership.pk: ROGALAND, third.pk: ROGALAND}
    with scopes_disabled():
        for pk, region in regions.items():
            Membership.objects.filter(pk=pk).update(region=region)
    counts = {world.membership.pk: 6, world.other_membership.pk: 3, third.pk: 2}

    def fill(parts):
        for part in parts:
            # Vestland's members all recommend the membership; Rogaland's none of them do.
            score = 10 if regions[part.membership_id] == VESTLAND else 3
            for _ in range(counts[part.membership_id]):
                answer(part, nps=score, scores={a.pk: (4, 3)})

    round_ = open_and_release(start_survey(world.cluster), fill)
    with scope(world.cluster):
        maps = {m.group: m for m in selectors.service_maps(round_, segment_kind="region")}

    def nps(group: str) -> results.NpsFigure:
        cell = maps[group].nps
        assert cell is not None and cell.value is not None
        return cell.value

    assert nps(results.ROUND).score == round(100 * (6 - 5) / 11)
    assert (nps(VESTLAND).score, nps(VESTLAND).n) == (100, 6)
    assert (nps(ROGALAND).score, nps(ROGALAND).detractors) == (-100, 100)

    counts[third.pk] = 1
    round_ = open_and_release(start_survey(world.cluster, "2"), fill)
    with scope(world.cluster):
        maps = {m.group: m for m in selectors.service_maps(round_, segment_kind="region")}
    # Rogaland's 4 answers would be the round's NPS minus Vestland's: no group shows one.
    assert all(m.nps is not None and m.nps.suppressed for m in maps.values())
