from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

INVITATION = "/api/v1/clusters/{slug}/rounds/{id}/companies/{org_number}/invitations/{invitation_id}"
EXPECTED_OPERATIONS = {
    ("/api/v1/me", "get"),
    ("/api/v1/clusters/{slug}/members", "get"),
    ("/api/v1/clusters/{slug}/members", "post"),
    ("/api/v1/clusters/{slug}/members/{org_number}", "get"),
    ("/api/v1/clusters/{slug}/members/import", "post"),
    ("/api/v1/clusters/{slug}/company-register", "get"),
    ("/api/v1/clusters/{slug}/members/{org_number}/register-refresh", "post"),
    ("/api/v1/clusters/{slug}/taxonomy", "get"),
    ("/api/v1/clusters/{slug}/members/{org_number}/strategy/{year}", "get"),
    ("/api/v1/clusters/{slug}/members/{org_number}/strategy/{year}", "put"),
    ("/api/v1/clusters/{slug}/rounds", "post"),
    ("/api/v1/clusters/{slug}/rounds/{id}/open", "post"),
    ("/api/v1/clusters/{slug}/rounds/{id}/close", "post"),
    ("/api/v1/clusters/{slug}/rounds/{id}/remind", "post"),
    ("/api/v1/clusters/{slug}/rounds/{id}", "patch"),
    ("/api/v1/clusters/{slug}/rounds/{id}/links", "get"),
    ("/api/v1/clusters/{slug}/rounds/{id}/progress", "get"),
    ("/api/v1/clusters/{slug}/rounds/{id}/companies/{org_number}", "patch"),
    ("/api/v1/clusters/{slug}/rounds/{id}/companies/{org_number}/invitations", "get"),
    ("/api/v1/clusters/{slug}/rounds/{id}/companies/{org_number}/invitations", "post"),
    (f"{INVITATION}/resend", "post"),
    (f"{INVITATION}/withdraw", "post"),
    ("/api/v1/clusters/{slug}/rounds/{id}/held", "get"),
    ("/api/v1/clusters/{slug}/rounds/{id}/held/approve", "post"),
    ("/api/v1/clusters/{slug}/rounds/{id}/held/reject", "post"),
    ("/api/v1/clusters/{slug}/rounds/{id}/results", "get"),
    ("/api/v1/clusters/{slug}/needs", "get"),
    ("/api/v1/clusters/{slug}/surveys", "get"),
    ("/api/v1/clusters/{slug}/measures", "post"),
    ("/api/v1/clusters/{slug}/measures/{measure_id}", "get"),
    ("/api/v1/clusters/{slug}/measures/{measure_id}", "patch"),
    ("/api/v1/clusters/{slug}/measures/{measure_id}/interest", "post"),
    ("/api/v1/clusters/{slug}/measures/{measure_id}/costs", "get"),
    ("/api/v1/clusters/{slug}/impact", "get"),
    ("/api/v1/clusters/{slug}/services", "get"),
    ("/api/v1/clusters/{slug}/services", "post"),
    ("/api/v1/clusters/{slug}/services/{service_id}", "get"),
    ("/api/v1/clusters/{slug}/services/{service_id}", "patch"),
    ("/api/v1/clusters/{slug}/member-survey/{round_id}/services", "get"),
    ("/api/v1/clusters/{slug}/benchmark", "get"),
    ("/api/v1/clusters/{slug}/benchmark", "put"),
    ("/api/v1/clusters/{slug}/webhooks", "get"),
    ("/api/v1/clusters/{slug}/webhooks", "post"),
    ("/api/v1/clusters/{slug}/webhooks/{webhook_id}", "patch"),
    ("/api/v1/clusters/{slug}/webhooks/{webhook_id}/test", "post"),
    ("/api/v1/clusters/{slug}/webhooks/{webhook_id}/deliveries", "get"),
    ("/api/v1/clusters/{slug}/surveys/import-xlsform", "post"),
    ("/api/v1/clusters/{slug}/activities", "get"),
    ("/api/v1/clusters/{slug}/activities", "post"),
    ("/api/v1/clusters/{slug}/activities/{activity_id}", "get"),
    ("/api/v1/clusters/{slug}/activities/{activity_id}", "patch"),
    ("/api/v1/clusters/{slug}/activities/{activity_id}/registrations", "post"),
    ("/api/v1/clusters/{slug}/activities/{activity_id}/registrations/{registration_id}", "delete"),
    ("/api/v1/clusters/{slug}/activities/{activity_id}/registrations/{registration_id}/attendance", "post"),
    ("/api/v1/clusters/{slug}/calendar.ics", "get"),
    ("/api/v1/clusters/{slug}/activities/{activity_id}/feedback", "get"),
    ("/api/v1/clusters/{slug}/activity-feedback", "get"),
    ("/api/v1/clusters/{slug}/engagement", "get"),
    ("/api/v1/landscape/clusters", "get"),
    ("/api/v1/landscape/clusters/{profile_id}", "get"),
    ("/api/v1/clusters/{slug}/collaborations", "get"),
    ("/api/v1/clusters/{slug}/collaborations", "post"),
    ("/api/v1/clusters/{slug}/collaborations/{opportunity_id}", "get"),
    ("/api/v1/clusters/{slug}/collaborations/{opportunity_id}", "patch"),
    ("/api/v1/landscape/import", "post"),
    ("/api/v1/public/surveys/{token}", "get"),
    # The national competence barometer: a token, or none when the platform admin made it public.
    ("/api/v1/barometer", "get"),
    ("/api/v1/barometer.csv", "get"),
    # Partner matching and the cluster's publication (issue 15).
    ("/api/v1/clusters/{slug}/partners", "get"),
    ("/api/v1/clusters/{slug}/partners/settings", "get"),
    ("/api/v1/clusters/{slug}/partners/settings", "put"),
    ("/api/v1/public/surveys/{token}/responses", "post"),
    # Issue 16, a complete API: every collection listed and every object read, what pages edit.
    ("/api/v1/clusters/{slug}/members/{org_number}", "patch"),
    ("/api/v1/clusters/{slug}/members/{org_number}/contacts", "post"),
    ("/api/v1/clusters/{slug}/members/{org_number}/contacts/{contact_id}", "patch"),
    ("/api/v1/clusters/{slug}/members/{org_number}/contacts/{contact_id}", "delete"),
    ("/api/v1/clusters/{slug}/rounds", "get"),
    ("/api/v1/clusters/{slug}/rounds/{id}", "get"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}", "get"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}", "patch"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions", "get"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions", "post"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}", "get"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}", "patch"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}/publish", "post"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}/sections", "post"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}/sections/{section_id}", "patch"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}/sections/{section_id}", "delete"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}/sections/{section_id}/move", "post"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}/sections/{section_id}/questions", "post"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}/questions/{question_id}", "patch"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}/questions/{question_id}", "delete"),
    ("/api/v1/clusters/{slug}/surveys/{survey_id}/versions/{number}/questions/{question_id}/move", "post"),
    ("/api/v1/clusters/{slug}/measures", "get"),
    ("/api/v1/clusters/{slug}/activities/{activity_id}/registrations", "get"),
    ("/api/v1/clusters/{slug}/activities/{activity_id}/registrations/{registration_id}", "get"),
    ("/api/v1/clusters/{slug}/strategies", "get"),
    ("/api/v1/clusters/{slug}/reports", "get"),
    ("/api/v1/clusters/{slug}/reports", "post"),
    ("/api/v1/clusters/{slug}/reports/{report_id}", "get"),
    ("/api/v1/clusters/{slug}/reports/{report_id}/download", "get"),
    ("/api/v1/clusters/{slug}/people", "get"),
    ("/api/v1/clusters/{slug}/people/{person_id}", "get"),
    ("/api/v1/clusters/{slug}/people/{person_id}", "patch"),
    ("/api/v1/clusters/{slug}/people/{person_id}/team-role", "delete"),
    ("/api/v1/clusters/{slug}/people/{person_id}/companies/{org_number}", "delete"),
    ("/api/v1/clusters/{slug}/invitations", "get"),
    ("/api/v1/clusters/{slug}/invitations", "post"),
    ("/api/v1/clusters/{slug}/invitations/{role_invitation_id}/resend", "post"),
    ("/api/v1/clusters/{slug}/invitations/{role_invitation_id}/revoke", "post"),
    ("/api/v1/clusters/{slug}/webhooks/{webhook_id}", "get"),
    # The settings pages and the strategy year lock.
    ("/api/v1/clusters/{slug}/settings", "get"),
    ("/api/v1/clusters/{slug}/settings", "patch"),
    ("/api/v1/clusters/{slug}/engagement/settings", "get"),
    ("/api/v1/clusters/{slug}/engagement/settings", "patch"),
    ("/api/v1/clusters/{slug}/barometer/settings", "get"),
    ("/api/v1/clusters/{slug}/barometer/settings", "patch"),
    ("/api/v1/barometer/settings", "get"),
    ("/api/v1/barometer/settings", "patch"),
    ("/api/v1/clusters/{slug}/strategies/{year}/lock", "post"),
    ("/api/v1/clusters/{slug}/strategies/{year}/unlock", "post"),
}


def test_openapi_lists_every_endpoint_behind_bearer_auth(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    operations = {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == EXPECTED_OPERATIONS
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    for (path, _method), operation in operations.items():
        if path.startswith("/api/v1/public/"):
            # Respondents hold a survey link, not an API token.
            assert "security" not in operation and "404" in operation["responses"]
            continue
        assert operation["security"] == [{"ApiTokenAuth": []}]
        assert "401" in operation["responses"]
        if path.startswith("/api/v1/clusters/"):
            assert {"403", "404", "422"} <= set(operation["responses"])
    list_params = {p["name"] for p in operations[("/api/v1/clusters/{slug}/members", "get")]["parameters"]}
    assert {"q", "status", "size_class", "nace_section", "region", "sort", "page", "page_size"} <= list_params
    upload = operations[("/api/v1/clusters/{slug}/members/import", "post")]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_docs_page_loads_swagger_from_our_own_static_files_under_the_strict_csp(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    # Nothing from a CDN or any other origin.
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "cdn" not in html.lower()
    # No inline script to allow: the only <script> without src is a JSON settings block.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_swagger_assets_are_found_for_collectstatic():
    # Served by whitenoise from STATIC_ROOT in production, so collectstatic must pick them up.
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset


def test_the_api_page_of_the_docs_lists_every_operation(client):
    """docs/api.md is the API's reference in prose: an operation it does not name is missing."""
    page = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`?]+)`", page))
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, methods in schema["paths"].items()
        for method in methods
    }
    assert operations - listed == set(), "add these to docs/api.md"
    assert listed - operations == set(), "docs/api.md names operations the API lacks"
