from __future__ import annotations

from typing import Any, cast

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from klyngekart.accounts import selectors, services
from klyngekart.accounts.forms import ApiTokenForm, InvitationSignupForm, ProfileForm
from klyngekart.accounts.models import ApiToken, User
from klyngekart.accounts.tokens import api_token_create, api_token_revoke


def _profile_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    context: dict[str, Any] = {
        "form": ProfileForm(initial={"full_name": user.full_name, "language": user.language}),  # type: ignore[union-attr]
        "token_form": ApiTokenForm(),
        "roles": selectors.user_roles(user=user),  # type: ignore[arg-type]
        "tokens": selectors.user_api_tokens(user=user),  # type: ignore[arg-type]
    }
    context.update(extra)
    return context


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "accounts/profile.html", _profile_context(request))
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/profile.html", _profile_context(request, form=form), status=400)
    user = services.user_update_profile(
        user=request.user,  # type: ignore[arg-type]
        full_name=form.cleaned_data["full_name"],
        language=form.cleaned_data["language"],
    )
    # Switch now, so the confirmation is already in the chosen language.
    translation.activate(user.language)
    messages.success(request, _("Your profile is saved."))
    response = redirect("accounts:profile")
    # The language middleware prefers the cookie over the saved preference; keep them equal so
    # the choice made here is the one that sticks.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/profile.html", _profile_context(request, token_form=form), status=400
        )
    _token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
    # Rendered, not redirected: the secret is shown on this one response and kept nowhere,
    # not in the session, not in a URL.
    return render(request, "accounts/profile.html", _profile_context(request, new_token=secret))


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=cast(User, request.user), revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    try:
        api_token_revoke(token=token, user=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("The API token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(reverse("accounts:profile") + "#api-tokens")


def _invitation_problem(request: HttpRequest, error: services.InvitationError) -> HttpResponse:
    status = 404 if error.code == "invalid" else 410
    return render(request, "accounts/invitation_problem.html", {"error": error}, status=status)


@never_cache
def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    """One link for everyone invited: it accepts, asks the person to log in, or creates the
    account, depending on who follows it."""
    try:
        invitation = services.invitation_check(selectors.invitation_by_secret(secret))
    except services.InvitationError as error:
        return _invitation_problem(request, error)
    context: dict[str, Any] = {
        "invitation": invitation,
        "role_label": services.role_label(invitation.role),
        "secret": secret,
    }
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():  # type: ignore[union-attr]
            return render(
                request, "accounts/invitation_accept.html", {**context, "wrong_user": True}, status=403
            )
        if request.method == "POST":
            try:
                services.invitation_accept(secret=secret, user=request.user)  # type: ignore[arg-type]
            except services.InvitationError as error:
                return _invitation_problem(request, error)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("accounts:invitation_accept", secret)
            messages.success(
                request,
                _("Welcome to %(cluster)s. You are now %(role)s.")
                % {"cluster": invitation.cluster.name, "role": context["role_label"].lower()},
            )
            return redirect("cluster:home", invitation.cluster.slug)
        return render(request, "accounts/invitation_accept.html", {**context, "confirm": True})

    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = reverse("account_login") + "?" + urlencode({"next": request.path})
        return render(request, "accounts/invitation_accept.html", {**context, "login_url": login_url})

    form = InvitationSignupForm(
        request.POST or None,
        email=invitation.email,
        initial={"language": translation.get_language() or settings.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create_from_invitation(
                secret=secret,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=form.cleaned_data["language"],
            )
        except services.InvitationError as error:
            return _invitation_problem(request, error)
        translation.activate(user.language)
        messages.success(
            request,
            _("Your account is ready. Welcome to %(cluster)s.") % {"cluster": invitation.cluster.name},
        )
        response = perform_login(
            request, user, redirect_url=reverse("cluster:home", args=[invitation.cluster.slug])
        )
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, user.language, samesite=settings.LANGUAGE_COOKIE_SAMESITE
        )
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invitation_accept.html", {**context, "form": form}, status=status)
