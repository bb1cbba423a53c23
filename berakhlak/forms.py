from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from berakhlak.nip import nip_normalise


def workbook_size_validator(upload) -> None:
    """Every uploaded workbook (roster, LKE worksheet, instrument items, paper answers) is refused
    over ROSTER_IMPORT_MAX_MB before openpyxl reads it: opening one costs memory many times its
    size. The one rule, on each form's file field."""
    if upload.size > settings.ROSTER_IMPORT_MAX_BYTES:
        raise forms.ValidationError(
            gettext("Berkas terlalu besar (maksimal %(mb)d MB).")
            % {"mb": settings.ROSTER_IMPORT_MAX_BYTES // 2**20}
        )


class BootstrapForm:
    """Mixin: Bootstrap classes on every widget, `is-invalid` and aria links on fields in error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs.setdefault("aria-describedby", f"{name}-help")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"


class NipAuthenticationForm(BootstrapForm, AuthenticationForm):
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


class NipPasswordChangeForm(BootstrapForm, PasswordChangeForm):
    pass


class SecondFactorCodeForm(BootstrapForm, forms.Form):
    """A six-digit code from the authenticator app, or (at login) a recovery code."""

    code = forms.CharField(
        label=_("Kode"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
    )
