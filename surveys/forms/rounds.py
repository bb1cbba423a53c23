"""The round's instruments, one choice per kind (admin, surveys.views.rounds)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.models import Instrument, InstrumentKind, RoundInstrument

# Survey order: behaviour pages first, then engagement, then the values selection.
KIND_ORDER = (InstrumentKind.BEHAVIOUR, InstrumentKind.ENGAGEMENT, InstrumentKind.VALUES_SELECTION)
KIND_HELP = {
    InstrumentKind.BEHAVIOUR: gettext_lazy("Wajib: 21 pernyataan perilaku, satu per panduan."),
    InstrumentKind.ENGAGEMENT: gettext_lazy("Pilihan: butir keterikatan pegawai (Likert)."),
    InstrumentKind.VALUES_SELECTION: gettext_lazy(
        "Pilihan: memilih K nilai untuk diri, budaya saat ini dan budaya yang diharapkan."
    ),
}


def _instrument_label(instrument: Instrument) -> str:
    label = _("%(name)s, versi %(version)s") % {
        "name": instrument.name,
        "version": instrument.version,
    }
    if instrument.is_frozen:
        label += " · " + _("dibekukan")
    return label


class RoundInstrumentsForm(forms.Form):
    """One choice per instrument kind; the behaviour instrument is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KIND_ORDER:
            choices = [
                (str(i.pk), _instrument_label(i))
                for i in Instrument.objects.filter(kind=kind).order_by("code", "-version")
            ]
            required = kind == InstrumentKind.BEHAVIOUR
            if not required:
                choices.insert(0, ("", _("Tidak dipakai")))
            self.fields[kind.lower()] = forms.ChoiceField(
                label=InstrumentKind(kind).label,
                choices=choices,
                required=required,
                help_text=KIND_HELP[kind],
                widget=forms.RadioSelect,
                error_messages={"required": _("Pilih instrumen perilaku BerAKHLAK.")},
            )

    @staticmethod
    def initial_for(round) -> dict:
        """The round's current choice, or the newest instrument of each kind for a new round."""
        chosen = RoundInstrument.objects.filter(round=round).select_related("instrument")
        if chosen:
            return {ri.instrument.kind.lower(): str(ri.instrument_id) for ri in chosen}
        initial = {}
        for kind in KIND_ORDER:
            newest = Instrument.objects.filter(kind=kind).order_by("-created_at", "-pk").first()
            if newest:
                initial[kind.lower()] = str(newest.pk)
        return initial

    def instruments(self) -> list[Instrument]:
        ids = [self.cleaned_data[k.lower()] for k in KIND_ORDER if self.cleaned_data[k.lower()]]
        by_id = {str(i.pk): i for i in Instrument.objects.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids]
