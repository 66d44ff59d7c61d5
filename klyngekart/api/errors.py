"""One error shape for the whole API: ``{"detail": ...}``.

``detail`` is a sentence for 400/401/403/404 and, for 422, the list of field errors in the
shape ninja uses for request validation (``loc``, ``msg``, ``type``), so a client reads every
422 the same way whether the request body or a service rejected the data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.parser import Parser

from klyngekart.accounts.access import MfaRequired
from klyngekart.core.tenancy import ScopeError

logger = logging.getLogger("klyngekart.api")


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


ERROR_RESPONSES: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class ApiValidationError(Exception):
    """A Django ValidationError with the place in the request each message belongs to.

    ``loc_for`` turns an error key of the model (``org_number``, ``__all__``) into the path of
    the request field that caused it."""

    def __init__(self, error: ValidationError, loc_for: Callable[[str], Sequence[str | int]]) -> None:
        super().__init__(error)
        self.error = error
        self.loc_for = loc_for


def validation_items(error: ValidationError, loc_for: Callable[[str], Sequence[str | int]]) -> list[dict]:
    if hasattr(error, "error_dict"):
        pairs = [(key, item) for key, errors in error.error_dict.items() for item in errors]
    else:
        pairs = [(NON_FIELD_ERRORS, item) for item in error.error_list]
    return [
        {"loc": list(loc_for(key)), "msg": " ".join(item.messages), "type": item.code or "invalid"}
        for key, item in pairs
    ]


def payload_loc(key: str) -> list[str | int]:
    """Where a service's error on ``key`` sits in a request body named ``payload``: the body itself
    for an error about no one field."""
    return ["body", "payload"] if key == NON_FIELD_ERRORS else ["body", "payload", key]


def _body_loc(key: str) -> list[str | int]:
    return ["body"] if key == NON_FIELD_ERRORS else ["body", key]


class NulInText(ValueError):
    """A string in the request holds the NUL character, which no text column can store (PostgreSQL
    refuses it outright). Django's form fields refuse it too; this is the API's counterpart."""

    def __init__(self, loc: list[str | int]) -> None:
        super().__init__("NUL in text")
        self.loc = loc


def _nul_place(value: Any, loc: list[str | int]) -> list[str | int] | None:
    if isinstance(value, str):
        return loc if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        place = _nul_place(item, [*loc, key])
        if place is not None:
            return place
    return None


def _nul_error(loc: list[str | int]) -> dict[str, Any]:
    return {"loc": loc, "msg": _("Text may not contain the NUL character (\\x00)."), "type": "value_error"}


class TextParser(Parser):
    """ninja's JSON and query parsing, refusing text with the NUL character in the body (a 422 by
    the HttpError handler below, which ninja raises with this error as its cause) and in the query."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        place = _nul_place(data, ["body"])
        if place is not None:
            raise NulInText(place)
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        place = _nul_place(result, ["query" if data is request.GET else "body"])
        if place is not None:
            raise RequestInvalid([_nul_error(place)])
        return result


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, data: Any, status: int) -> HttpResponse:
        return api.create_response(request, data, status=status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            {
                "detail": _(
                    "Missing, revoked or invalid API token. Send it as 'Authorization: Bearer <token>'."
                )
            },
            401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(AuthorizationError)
    def forbidden_ninja(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return respond(request, {"detail": _("Your role does not allow this.")}, 403)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, {"detail": str(exc) or _("Your role does not allow this.")}, 403)

    @api.exception_handler(MfaRequired)
    def mfa_required(request: HttpRequest, exc: MfaRequired) -> HttpResponse:
        message = _(
            "This cluster requires two-factor authentication for your role. "
            "Set up an authenticator app in your profile before using the API."
        )
        return respond(request, {"detail": message}, 403)

    @api.exception_handler(MultiPartParserError)
    def unreadable_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # Left to ninja, the parser's error is a 500 with a traceback when DEBUG is on, and an
        # HTML page when it is off; it is the client's mistake, so a 400 in the API's shape.
        message = _(
            "The request body could not be read. Send files as multipart/form-data with a boundary "
            "(an HTTP library does this when it is given a file)."
        )
        return respond(request, {"detail": message}, 400)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # One fixed message: the reason (no such cluster, another cluster's member, not your
        # company) must not show, or the API would tell outsiders what exists.
        return respond(request, {"detail": _("Not found.")}, 404)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, {"detail": validation_items(exc, _body_loc)}, 422)

    @api.exception_handler(RequestInvalid)
    def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
        # ninja passes pydantic's error dicts on as they are, some with "ctx" (the limit that
        # was broken); the document promises loc, msg and type, as every other 422 has.
        items = [
            {
                "loc": list(item.get("loc", [])),
                "msg": str(item.get("msg", "")),
                "type": str(item.get("type", "")),
            }
            for item in exc.errors
        ]
        return respond(request, {"detail": items}, 422)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, NulInText):
            return respond(request, {"detail": [_nul_error(exc.__cause__.loc)]}, 422)
        return respond(request, {"detail": str(exc)}, exc.status_code)

    @api.exception_handler(ApiValidationError)
    def invalid_located(request: HttpRequest, exc: ApiValidationError) -> HttpResponse:
        return respond(request, {"detail": validation_items(exc.error, exc.loc_for)}, 422)

    @api.exception_handler(ScopeError)
    def scope_error(request: HttpRequest, exc: ScopeError) -> HttpResponse:
        # An endpoint queried a cluster-owned model outside its cluster's scope: a bug. Log it
        # in full for us; the client gets no model names or query details.
        logger.error("Tenant scope error in %s %s", request.method, request.path, exc_info=exc)
        return respond(request, {"detail": _("Internal server error.")}, 500)
