"""The second factor (docs/ARCHITECTURE.md §10): a TOTP authenticator app and one-time recovery
codes, on django-otp's devices. Who needs one is `permissions.requires_second_factor`; the
middleware `SecondFactorRequiredMiddleware` sends them here; the login step's lockout is in the
view (berakhlak/views/second_factor.py), on django-axes like the password step.

Recovery codes are stored as a keyed hash (`recovery_code_stored`: an HMAC with the project's
SECRET_KEY, cut to the 16 characters django-otp's token column holds), so a copy of the
database does not hand out a way past the second factor. The user sees them once.
"""

from __future__ import annotations

import enum
import secrets
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from berakhlak.audit import records_actor
from berakhlak.models import User
from berakhlak.services import user_sessions_end

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
TOTP_NAME = "Aplikasi autentikator"
RECOVERY_NAME = "Kode pemulihan"
_RECOVERY_SALT = "berakhlak.second_factor.recovery"


class Check(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    WAIT = "wait"  # the device's own throttle (doubling delays after each failure)


def totp_device(user: User) -> TOTPDevice | None:
    """The confirmed authenticator of the user, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled: the same secret on every reload until it is
    confirmed, so a QR code scanned a minute ago still matches."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing it into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (segno; no image, no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#0b2e4f")


@records_actor("user")
@transaction.atomic
def totp_enrolment_confirm(*, user: User, device_id: int, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from the app; returns the new recovery codes
    (to be shown once), or None when the code is wrong."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(pk=device_id, user=user, confirmed=False)
        .first()
    )
    if device is None:
        return None
    # The user sees this secret on the page: guessing its codes gains nothing, so a typo is not
    # made to wait like at login.
    device.throttle_reset(commit=False)
    if not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return _recovery_codes_replace(user)


@records_actor("user")
@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for an enrolled user; the old ones stop working."""
    return _recovery_codes_replace(user)


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    recovery_codes_store(device, codes)
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def recovery_code_stored(code: str, secret: str | None = None) -> str:
    """What the database keeps of a recovery code (typed as shown, with or without the dash)."""
    code = _digits(code).lower().replace("-", "")
    return salted_hmac(_RECOVERY_SALT, code, secret=secret, algorithm="sha256").hexdigest()[:16]


def recovery_codes_store(device: StaticDevice, codes: list[str]) -> None:
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_stored(code)) for code in codes
    )


def _recovery_code() -> str:
    return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(8))


def _digits(token: str) -> str:
    return "".join(ch for ch in token if not ch.isspace())


def second_factor_check(
    *, user: User, token: str
) -> tuple[Check, TOTPDevice | StaticDevice | None]:
    """A code from the app (six digits) or a recovery code (used up by this check)."""
    token = _digits(token).lower().replace("-", "")
    model = TOTPDevice if token.isdigit() else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return Check.WRONG, None
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            return Check.WAIT, None
        matched = (
            device.verify_token(token) if model is TOTPDevice else _recovery_code_use(device, token)
        )
        if matched:
            return Check.OK, device
    return Check.WRONG, None


def _recovery_code_use(device: StaticDevice, code: str) -> bool:
    """Use up a recovery code: django-otp's `verify_token` on the stored form, under the current
    key or one rotated away (SECRET_KEY_FALLBACKS), counting one failure for the device."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    match = device.token_set.filter(token__in=[recovery_code_stored(code, k) for k in keys]).first()
    if match is None:
        device.throttle_increment()
        return False
    match.delete()
    device.throttle_reset()
    return True


@records_actor("by")
@transaction.atomic
def second_factor_reset(*, user: User, by: User) -> None:
    """Another admin removes the user's authenticator and recovery codes (audited: the devices are
    registered in berakhlak/audit.py) and ends their sessions; they enrol again at next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user_sessions_end(user=user, by=by)
