"""Forms of the forums: they parse and type what was posted; the rules live in forums.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from forums.models import EventKind


class NominateForm(forms.Form):
    nip = forms.CharField(label=_("NIP"), max_length=40)
    sk_number = forms.CharField(label=_("Nomor SK"), max_length=100)
    sk_date = forms.DateField(label=_("Tanggal SK"))
    active_from = forms.DateField(label=_("Aktif sejak"), required=False)
    active_to = forms.DateField(label=_("Aktif sampai"), required=False)
    role_model = forms.BooleanField(label=_("Teladan (role model)"), required=False)
    moderator = forms.BooleanField(label=_("Moderator"), required=False)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=EventKind.choices)
    title = forms.CharField(label=_("Judul"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Mulai"))
    ends_at = forms.DateTimeField(label=_("Selesai"))
    place = forms.CharField(label=_("Tempat"), max_length=200, required=False)
    online_url = forms.URLField(
        label=_("Tautan daring"), max_length=200, required=False, assume_scheme="https"
    )
    capacity = forms.IntegerField(label=_("Kapasitas"), min_value=1, required=False)
    description = forms.CharField(label=_("Uraian"), required=False)


def first_errors(form: forms.Form) -> list[str]:
    """Every error of a bound form as '<label>: <message>' for the alert above the form."""
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.extend(f"{label}: {e}" if label else str(e) for e in errors)
    return messages
