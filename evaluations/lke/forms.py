"""Forms of the LKE worksheet editor (the admin's side)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from berakhlak.forms import BootstrapForm, workbook_size_validator
from evaluations.models import AnswerKind, Component


class ComponentForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("Nama komponen"), max_length=200)
    description = forms.CharField(
        label=_("Uraian"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CriterionForm(BootstrapForm, forms.Form):
    component = forms.ModelChoiceField(label=_("Komponen"), queryset=Component.objects.none())
    code = forms.CharField(label=_("Kode"), max_length=16)
    question = forms.CharField(label=_("Pertanyaan"), widget=forms.Textarea(attrs={"rows": 2}))
    guidance = forms.CharField(
        label=_("Petunjuk penilaian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Apa arti setiap jawaban; tampil bagi agen perubahan dan evaluator."),
    )
    evidence_asked = forms.CharField(
        label=_("Bukti dukung yang diminta"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_required = forms.BooleanField(
        label=_("Bukti wajib diunggah sebelum diajukan"), required=False, initial=True
    )
    answer_kind = forms.ChoiceField(
        label=_("Jenis jawaban"),
        choices=AnswerKind.choices,
        help_text=_(
            "Pilihan dinilai bertingkat sama dari 1 (terbaik) sampai 0; persentase dibagi 100."
        ),
    )
    weight = forms.DecimalField(
        label=_("Bobot"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=_("Jumlah bobot semua kriteria harus 100 sebelum LKE dibekukan."),
    )

    def __init__(self, *args, worksheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = worksheet.components.order_by("order")
        self.fields["component"].label_from_instance = lambda c: f"{c.order}. {c.name}"


class WorksheetUploadForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("Berkas LKE (.xlsx)"), validators=[workbook_size_validator])


class AssignEvaluatorForm(BootstrapForm, forms.Form):
    evaluator = forms.ModelChoiceField(label=_("Evaluator"), queryset=None, empty_label=None)

    def __init__(self, *args, evaluators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = evaluators
        self.fields["evaluator"].label_from_instance = lambda u: u.display_name()
