"""The paper answers' upload (admin, surveys.views.paper_import)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from berakhlak.forms import BootstrapForm, workbook_size_validator
from surveys.selectors.rounds import paper_importable_rounds


class PaperUploadForm(BootstrapForm, forms.Form):
    round = forms.ModelChoiceField(label=gettext_lazy("Putaran"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=gettext_lazy("Berkas jawaban kertas (.xlsx)"), validators=[workbook_size_validator]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = paper_importable_rounds(user)
