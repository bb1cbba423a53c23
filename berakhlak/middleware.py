"""Session limits, the second factor, the forced password change at first login, and the chosen
UI language."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from berakhlak.permissions import requires_second_factor
from berakhlak.second_factor import has_second_factor

SESSION_STARTED_KEY = "auth_started_at"


class SessionLimitMiddleware:
    """Log out a session older than SESSION_ABSOLUTE_SECONDS however active it has been.

    The idle limit is the cookie age renewed on every request (SESSION_SAVE_EVERY_REQUEST).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Sesi Anda telah berakhir. Silakan masuk kembali."))
                return redirect(f"{reverse('login')}?next={request.path}")
        return self.get_response(request)


SECOND_FACTOR_PAGES = ("mfa_verify", "mfa_enrol", "logout", "set_language")


class SecondFactorRequiredMiddleware:
    """Every page, the Django admin included, waits for the second factor of an account that needs
    one (berakhlak.permissions.requires_second_factor): the code step when the user has an
    authenticator, its enrolment otherwise. Runs after django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and requires_second_factor(user)
            and not request.path.startswith(settings.STATIC_URL)
            and request.path not in {reverse(name) for name in SECOND_FACTOR_PAGES}
        ):
            step = "mfa_verify" if has_second_factor(user) else "mfa_enrol"
            target = f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request"):
                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Send a user holding a temporary password to the password change page first (after the
    second factor, whose pages stay open)."""

    allowed_names = ("password_change", *SECOND_FACTOR_PAGES)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(name) for name in self.allowed_names}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("password_change")
        return self.get_response(request)


class ChosenLanguageMiddleware:
    """Bahasa Indonesia unless the user chose another language with the switch (cookie).

    Replaces Django's LocaleMiddleware, which would follow the browser's Accept-Language: most
    office PCs run an English browser, yet the province works in Indonesian.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
