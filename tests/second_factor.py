"""The test suite's one way to log in as a whole login does: the password and, for an account
that needs it (berakhlak.permissions.requires_second_factor), a verified second factor.

`tests/conftest.py` gives every test a `client` whose `force_login` does both, and `browser_login`
types the code into the real form. Tests of the rule itself log in with `second_factor=False`.
"""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from berakhlak.permissions import requires_second_factor


def device_for(user) -> TOTPDevice:
    """The user's confirmed authenticator, enrolled now when missing; a code may be reused."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    # A code is accepted once per 30-second step; tests log the same person in more often.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return device


def code_for(device: TOTPDevice, *, step_offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def needs_second_factor(user) -> bool:
    user.__dict__.pop("_grant_cache", None)
    needed = requires_second_factor(user)
    user.__dict__.pop("_grant_cache", None)  # the test may grant roles afterwards
    return needed


class VerifiedClient(Client):
    def force_login(self, user, backend=None, *, second_factor: bool = True):
        super().force_login(user, backend)
        if second_factor and needs_second_factor(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
            session.save()
