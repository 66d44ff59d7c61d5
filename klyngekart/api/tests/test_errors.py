from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from klyngekart.api.errors import validation_items
from klyngekart.core.tenancy import ScopeError

pytestmark = pytest.mark.django_db


def test_a_scope_error_is_a_bare_500_that_names_nothing(client, world, bearer, monkeypatch, caplog):
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise ScopeError("Unscoped query on Membership: enter scope(cluster)")

    monkeypatch.setattr("klyngekart.api.members.membership_list", broken)

    response = client.get("/api/v1/clusters/alfa/members", **bearer(world.users["manager"]))

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error."}
    assert b"Membership" not in response.content
    # The bug is logged in full for the operators.
    assert any(record.exc_info and isinstance(record.exc_info[1], ScopeError) for record in caplog.records)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("method", "path", "upload"),
    [
        ("POST", "/api/v1/clusters/alfa/members/import", True),
        ("POST", "/api/v1/clusters/alfa/surveys/import-xlsform", True),
        ("POST", "/api/v1/clusters/alfa/members", False),
        ("PATCH", "/api/v1/clusters/alfa/measures/1", False),
    ],
)
@pytest.mark.parametrize("content_type", ["multipart/form-data", 'multipart/form-data; boundary=""'])
def test_a_multipart_body_without_a_boundary_is_a_400_in_the_apis_shape(
    client, world, bearer, settings, debug, method, path, upload, content_type
):
    # With DEBUG on (make run) ninja turned the parser's error into a 500 with a traceback; with
    # it off Django answered with an HTML page, not the API's {"detail": ...}.
    settings.DEBUG = debug
    response = client.generic(
        method, path, b"--x\r\nfile", content_type=content_type, **bearer(world.users["manager"])
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    detail = response.json()["detail"]
    # A JSON endpoint reads the body as JSON whatever the header says; an upload explains itself.
    assert (
        "multipart/form-data with a boundary" in detail if upload else "Cannot parse request body" in detail
    )


@pytest.mark.parametrize("role", ["manager", "staff", "advisor", "board"])
def test_cluster_requiring_mfa_refuses_the_cluster_team_without_it(client, world, bearer, role):
    world.cluster.require_mfa = True
    world.cluster.save()

    # The taxonomy is an endpoint every cluster role may read.
    response = client.get("/api/v1/clusters/alfa/taxonomy", **bearer(world.users[role]))

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_cluster_requiring_mfa_lets_a_company_contact_in_without_it(client, world, bearer):
    world.cluster.require_mfa = True
    world.cluster.save()
    org_number = world.membership.company.org_number
    response = client.get(f"/api/v1/clusters/alfa/members/{org_number}", **bearer(world.users["contact"]))
    assert response.status_code == 200


def test_validation_items_locate_field_and_whole_object_errors():
    error = ValidationError(
        {
            "org_number": [ValidationError("Bad number.", code="org_number_checksum")],
            "__all__": ["Something about the whole."],
        }
    )

    items = validation_items(
        error, lambda key: ["body", "payload"] if key == "__all__" else ["body", "payload", key]
    )

    assert items == [
        {"loc": ["body", "payload", "org_number"], "msg": "Bad number.", "type": "org_number_checksum"},
        {"loc": ["body", "payload"], "msg": "Something about the whole.", "type": "invalid"},
    ]
    assert validation_items(ValidationError("Plain."), lambda key: ["body"]) == [
        {"loc": ["body"], "msg": "Plain.", "type": "invalid"}
    ]


# Issue 3 fixes the public answering endpoint's 422 as errors per question key, still under
# "detail": the one error shape with a contract of its own.
CONTRACT_ERRORS = {("/api/v1/public/surveys/{token}/responses", "post", "422"): "AnswerErrorsOut"}


def test_errors_share_one_shape_in_every_operation_of_the_document(client) -> None:
    """Every answer an operation declares outside 2xx is ErrorOut ({"detail": "..."}) or, for
    422, ValidationErrorOut ({"detail": [{"loc", "msg", "type"}]})."""
    document = client.get("/api/v1/openapi.json").json()
    seen = 0
    wrong = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if str(status).startswith("2"):
                    continue
                seen += 1
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                name = schema.get("$ref", "").removeprefix("#/components/schemas/")
                expected = CONTRACT_ERRORS.get(
                    (path, method, str(status)), "ValidationErrorOut" if str(status) == "422" else "ErrorOut"
                )
                if name != expected:
                    wrong.append(f"{method.upper()} {path} {status}: {name or schema}")
    assert seen > 300
    assert wrong == []
    shapes = document["components"]["schemas"]
    assert shapes["ErrorOut"]["required"] == ["detail"]
    assert shapes["ErrorOut"]["properties"]["detail"]["type"] == "string"
    assert shapes["FieldErrorOut"]["required"] == ["loc", "msg", "type"]


def test_text_with_the_nul_character_is_a_422_at_its_place_and_stores_nothing(client, world, bearer, english):
    """PostgreSQL cannot store NUL in text and answered 500 (found by schemathesis on the pipeline's
    POST); every body and query string is checked before a view runs."""
    from klyngekart.collaborations.models import Opportunity
    from klyngekart.core.tenancy import scope

    body = {"title": "Havvind\u0000", "partners": [1]}
    response = client.post(
        f"/api/v1/clusters/{world.cluster.slug}/collaborations",
        body,
        content_type="application/json",
        **bearer(world.users["manager"]),
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "title"],
                "msg": "Text may not contain the NUL character (\\x00).",
                "type": "value_error",
            }
        ]
    }
    with scope(world.cluster):
        assert not Opportunity.objects.exists()

    response = client.get("/api/v1/landscape/clusters?q=a%00b", **bearer(world.users["manager"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]
