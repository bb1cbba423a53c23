from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berakhlak.forms import BootstrapForm
from evaluations.models import Round
from evaluations.services import EDITABLE_FIELDS, round_schedule_field_problems

DATE_FIELDS = (
    "survey_opens_on",
    "survey_closes_on",
    "evidence_opens_on",
    "evidence_closes_on",
    "review_opens_on",
    "review_closes_on",
    "appeal_opens_on",
    "appeal_closes_on",
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoundForm(BootstrapForm, forms.ModelForm):
    """All settings of a draft round; consistency rules come from evaluations.services."""

    class Meta:
        model = Round
        fields = EDITABLE_FIELDS
        widgets = {name: DateInput() for name in DATE_FIELDS}
        help_texts = {
            "wording": _("Rumusan nilai dan panduan perilaku yang dipakai di survei dan laporan."),
            "weight_survey": _("Bobot indeks individu (survei) dalam indeks komposit unit."),
            "weight_lke": _("Bobot indeks instansi (LKE); jumlah kedua bobot harus 100."),
            "min_group": _(
                "Tidak ada angka untuk kelompok dengan jawaban lebih sedikit dari ini (minimal 3)."
            ),
            "min_comment_group": _(
                "Komentar terbuka hanya ditampilkan untuk kelompok sebesar ini."
            ),
            "min_respondents": _("Jumlah responden minimum setiap unit, dalam orang."),
            "min_respondents_pct": _(
                "Dan dalam persen pegawai unit; yang berlaku adalah yang lebih besar."
            ),
            "reminder_gap_days": _(
                "Jarak minimum antara dua e-mail pengingat kepada orang yang sama."
            ),
            "reminder_max": _("Banyaknya pengingat paling banyak per orang dalam putaran ini."),
            "appeal_closes_on": _(
                "Kosongkan keduanya bila tidak ada sanggahan. Dalam masa ini agen perubahan dapat "
                "menyanggah nilai akhir satu kali per kriteria."
            ),
        }

    @staticmethod
    def initial_for(today: dt.date | None = None) -> dict:
        """Sensible defaults for a new round: a month of survey, evidence, then review."""
        today = today or timezone.localdate()
        day = dt.timedelta(days=1)
        return {
            "name": _("Evaluasi Budaya Kerja BerAKHLAK %(year)s") % {"year": today.year},
            "year": today.year,
            "survey_opens_on": today + 7 * day,
            "survey_closes_on": today + 37 * day,
            "evidence_opens_on": today + 7 * day,
            "evidence_closes_on": today + 44 * day,
            "review_opens_on": today + 21 * day,
            "review_closes_on": today + 60 * day,
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = Round(**{name: cleaned.get(name) for name in EDITABLE_FIELDS})
        for field, message in round_schedule_field_problems(candidate):
            self.add_error(field, message)
        return cleaned
