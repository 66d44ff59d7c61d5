from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """A logged-in user's saved language wins over the browser's, unless they just switched
    with the language form (the cookie), which also updates the saved preference."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = cookie if cookie in dict(settings.LANGUAGES) else user.language
            if cookie in dict(settings.LANGUAGES) and cookie != user.language:
                # request.user is a lazy proxy, so the model comes from settings, not type(user).
                get_user_model().objects.filter(pk=user.pk).update(language=cookie)
                user.language = cookie
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)
