"""The paper answers' upload (admin, surveys.views.paper_import)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berakhlak.forms import BootstrapForm
from surveys.selectors.rounds import paper_importable_rounds


class PaperUploadForm(BootstrapForm, forms.Form):
    round = forms.ModelChoiceField(label=gettext_lazy("Putaran"), queryset=None, empty_label=None)
    file = forms.FileField(label=gettext_lazy("Berkas jawaban kertas (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = paper_importable_rounds(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ROSTER_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal %(mb)d MB).")
                % {"mb": settings.ROSTER_IMPORT_MAX_BYTES // 2**20}
            )
        return upload
