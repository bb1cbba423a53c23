"""The second factor: enrolment at first login, the code step after the password, recovery codes,
and an admin's reset of another user's authenticator (berakhlak/second_factor.py).

The code step is locked like the password step: django-axes counts wrong codes per (NIP, address)
under a name of its own, `otp:<NIP>`, so that a correct password, which resets the password step's
counter, never resets this one; once locked the user is logged out and sees the lockout page.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from berakhlak import permissions, second_factor, selectors
from berakhlak.forms import SecondFactorCodeForm
from berakhlak.nip import nip_normalise
from berakhlak.views.accounts import locked_out


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _codes_page(request, codes: list[str], *, first: bool):
    response = render(
        request,
        "registration/mfa_codes.html",
        {"codes": codes, "first": first, "next": _next(request)},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def mfa_enrol(request):
    user = request.user
    if not permissions.requires_second_factor(user):
        return redirect("account_security")
    if second_factor.has_second_factor(user):
        if user.is_verified():
            return redirect(_next(request))
        return redirect(f"{reverse('mfa_verify')}?{urlencode({'next': _next(request)})}")
    device = second_factor.totp_enrolment_start(user=user)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.totp_enrolment_confirm(
            user=user, device_id=device.pk, token=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session.cycle_key()
            device.refresh_from_db()
            otp_login(request, device)
            return _codes_page(request, codes, first=True)
        form.add_error(
            "code", _("Kode salah atau kedaluwarsa. Masukkan kode yang sedang tampil di aplikasi.")
        )
    context = {
        "form": form,
        "secret": second_factor.totp_secret(device),
        # segno writes the SVG itself from the otpauth address (base32, digits, the NIP).
        "qr": mark_safe(second_factor.totp_qr_svg(device)),  # noqa: S308
        "next": _next(request),
    }
    return render(
        request, "registration/mfa_enrol.html", context, status=400 if form.errors else 200
    )


@login_required
def mfa_verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not second_factor.has_second_factor(user):
        return redirect("mfa_enrol")
    credentials = {"username": f"otp:{user.get_username()}"}
    if not AxesProxyHandler.is_allowed(request, credentials):
        logout(request)
        return locked_out(request)
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome, device = second_factor.second_factor_check(
            user=user, token=form.cleaned_data["code"]
        )
        if outcome is second_factor.Check.OK:
            _verified(request, device, credentials)
            return redirect(_next(request))
        _code_refused(request, form, outcome, credentials)
        status = 400
    return render(
        request,
        "registration/mfa_verify.html",
        {"form": form, "next": _next(request)},
        status=status,
    )


def _verified(request, device, credentials: dict) -> None:
    """The code was right: the step's failures are forgotten and the session is verified."""
    AxesProxyHandler.reset_attempts(
        ip_address=request.axes_ip_address, username=credentials["username"]
    )
    request.session.cycle_key()
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        left = second_factor.recovery_codes_left(request.user)
        warning = _(
            "Anda masuk dengan kode pemulihan; sisa %(n)d kode. Buat kode baru di halaman Keamanan akun."
        )
        messages.warning(request, warning % {"n": left})


def _code_refused(request, form, outcome, credentials: dict) -> None:
    """A failure counted by django-axes (the lockout may log the user out) and its reason."""
    # A code sent while the device still waits counts as a failure too: it was not accepted.
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)  # AxesMiddleware answers with the lockout page
    if outcome is second_factor.Check.WAIT:
        form.add_error(
            "code",
            _("Terlalu cepat setelah kode yang salah. Tunggu beberapa detik, lalu coba lagi."),
        )
    else:
        form.add_error(
            "code", _("Kode salah. Periksa aplikasi autentikator atau pakai kode pemulihan.")
        )


@login_required
def account_security(request):
    """The user's own second factor: its state, and new recovery codes (shown once)."""
    user = request.user
    enrolled = second_factor.has_second_factor(user)
    if request.method == "POST":
        if not enrolled or not user.is_verified():
            raise Http404
        return _codes_page(request, second_factor.recovery_codes_renew(user=user), first=False)
    context = {
        "enrolled": enrolled,
        "required": permissions.requires_second_factor(user),
        "codes_left": second_factor.recovery_codes_left(user) if enrolled else 0,
    }
    return render(request, "registration/security.html", context)


@login_required
@require_POST
def employee_second_factor_reset(request, nip):
    employee = selectors.get_employee_for_user(request.user, nip_normalise(nip))
    decision = permissions.can_reset_second_factor(request.user, employee)
    if not decision:
        raise Http404
    second_factor.second_factor_reset(user=employee.user, by=request.user)
    done = _(
        "Verifikasi dua langkah %(name)s telah diatur ulang dan semua sesinya diakhiri. Ia mendaftarkan aplikasi autentikator lagi saat masuk berikutnya."
    )
    messages.success(request, done % {"name": employee.name})
    return redirect("employee_detail", employee.nip)
