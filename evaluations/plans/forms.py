from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berakhlak.forms import BootstrapForm
from berakhlak.models import CoreValue, Employee
from evaluations.forms import DateInput
from evaluations.models import Evidence
from evaluations.plans.models import ActionStatus


class ActionForm(BootstrapForm, forms.Form):
    value = forms.ModelChoiceField(label=_("Nilai"), queryset=CoreValue.objects.all())
    description = forms.CharField(
        label=_("Uraian kegiatan"), widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(
        label=_("Penanggung jawab"), queryset=Employee.objects.none(), required=False
    )
    start_date = forms.DateField(label=_("Mulai"), widget=DateInput())
    due_date = forms.DateField(label=_("Tenggat"), widget=DateInput())
    target = forms.CharField(label=_("Indikator target"), max_length=300)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    progress = forms.IntegerField(label=_("Kemajuan (%)"), min_value=0, max_value=100)
    checklist = forms.CharField(
        label=_("Daftar periksa"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Satu butir per baris; awali dengan [x] bila sudah selesai."),
    )
    evidence = forms.ModelMultipleChoiceField(
        label=_("Bukti LKE terkait"),
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    link_title = forms.CharField(label=_("Judul tautan (kegiatan forum, utas)"), required=False)
    link_url = forms.URLField(label=_("Alamat tautan"), required=False, assume_scheme="https")

    def __init__(self, *args, round_agency, value=None, **kwargs):
        super().__init__(*args, **kwargs)
        if value is not None:
            # The suggestion, in the reader's language: a hint in the empty field, never stored.
            self.fields["description"].widget.attrs["placeholder"] = _(
                "Program penguatan nilai %(value)s: ..."
            ) % {"value": value.name}
            self.fields["target"].widget.attrs["placeholder"] = _(
                "Indeks %(value)s naik satu kategori pada putaran berikutnya"
            ) % {"value": value.name}
        self.fields["owner"].queryset = Employee.objects.filter(
            agency__path__startswith=round_agency.agency.path, active=True
        ).order_by("name")
        self.fields["evidence"].queryset = Evidence.objects.filter(
            assessment__round_agency=round_agency,
            superseded_at__isnull=True,
            withdrawn_at__isnull=True,
        ).select_related("assessment__criterion")
        self.fields["evidence"].label_from_instance = lambda e: (
            f"{e.assessment.criterion.code} · {e.original_name} · {e.description}"
        )

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("Tenggat tidak boleh sebelum tanggal mulai."))
        if bool(cleaned.get("link_title")) != bool(cleaned.get("link_url")):
            self.add_error("link_url", _("Isi judul dan alamat tautan bersama-sama."))
        return cleaned


def checklist_parse(text: str) -> list[dict]:
    items = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        done = line.lower().startswith("[x]")
        if line.startswith("[") and "]" in line[:4]:
            line = line[line.index("]") + 1 :].strip()
        items.append({"text": line[:200], "done": done})
    return items


def checklist_text(items: list[dict]) -> str:
    return "\n".join(f"{'[x]' if i.get('done') else '[ ]'} {i.get('text', '')}" for i in items)


class TeamForm(BootstrapForm, forms.Form):
    sk_number = forms.CharField(label=_("Nomor SK tim"), max_length=100, required=False)
    sk_date = forms.DateField(label=_("Tanggal SK"), required=False, widget=DateInput())


class RoadmapForm(BootstrapForm, forms.Form):
    title = forms.CharField(label=_("Judul peta jalan"), max_length=200)
    start_year = forms.IntegerField(label=_("Tahun mulai"), min_value=2020, max_value=2100)
    end_year = forms.IntegerField(label=_("Tahun akhir"), min_value=2020, max_value=2100)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and not (start <= end <= start + 9):
            self.add_error(
                "end_year", _("Tahun akhir sama atau sesudah tahun mulai, paling lama 10 tahun.")
            )
        return cleaned
