from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berakhlak.forms import BootstrapForm, workbook_size_validator
from berakhlak.models import BehaviourGuide


class ItemForm(BootstrapForm, forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=16)
    text = forms.CharField(label=_("Pernyataan"), widget=forms.Textarea(attrs={"rows": 3}))
    text_en = forms.CharField(
        label=_("Pernyataan dalam bahasa Inggris"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Ditampilkan bila tampilan berbahasa Inggris; kosong: teks Indonesia."),
    )
    guide = forms.ModelChoiceField(
        label=_("Panduan perilaku"),
        queryset=BehaviourGuide.objects.select_related("value").order_by("value__order", "order"),
        required=False,
    )
    reverse = forms.BooleanField(
        label=_("Skor terbalik"),
        required=False,
        help_text=_("Untuk pernyataan negatif: jawaban 6 dihitung seperti 1."),
    )

    def __init__(self, *args, behaviour: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide"].label_from_instance = lambda g: f"{g.code} · {g.text}"
        if behaviour:
            self.fields["guide"].required = True
        else:
            del self.fields["guide"]


class InstrumentUploadForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("Berkas butir (.xlsx)"), validators=[workbook_size_validator])


class InstrumentEnglishForm(BootstrapForm, forms.Form):
    name_en = forms.CharField(label=_("Nama dalam bahasa Inggris"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Petunjuk dalam bahasa Inggris"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    scale_labels_en = forms.CharField(
        label=_("Label skala dalam bahasa Inggris"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "Satu label per baris, dari 1 sampai titik tertinggi; kosong: label Indonesia."
        ),
    )

    def __init__(self, *args, selection: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if selection:
            del self.fields["scale_labels_en"]
