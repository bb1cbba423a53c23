from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from berakhlak.nip import nip_normalise


class NipAuthenticationForm(AuthenticationForm):
    """Login with the NIP; spaces typed between the NIP's groups are ignored."""

    username = forms.CharField(
        label=_("NIP"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "inputmode": "numeric"}
        ),
    )

    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("NIP atau kata sandi salah. Periksa kembali dan coba lagi."),
        "inactive": _("Akun ini tidak aktif. Hubungi Admin Biro Organisasi."),
    }

    def clean_username(self) -> str:
        raw = self.cleaned_data.get("username", "")
        normalised = nip_normalise(raw)
        return normalised if normalised.isdigit() else raw.strip()


class NipPasswordChangeForm(PasswordChangeForm):
    pass
