"""Every workbook upload form refuses a file over ROSTER_IMPORT_MAX_MB before it is opened, with
the one message (berakhlak.forms.workbook_size_validator)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berakhlak.views.roster import RosterUploadForm
from evaluations.lke.forms import WorksheetUploadForm
from surveys.forms.instruments import InstrumentUploadForm

FORMS = [RosterUploadForm, WorksheetUploadForm, InstrumentUploadForm]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
def test_a_workbook_over_the_cap_is_refused_before_it_is_read(settings, form_class):
    settings.ROSTER_IMPORT_MAX_BYTES = 2**20
    upload = SimpleUploadedFile("besar.xlsx", b"x" * (2**20 + 1))
    form = form_class(data={}, files={"file": upload})
    assert not form.is_valid()
    assert form.errors["file"] == ["Berkas terlalu besar (maksimal 1 MB)."]


def test_the_paper_upload_refuses_it_too(settings, province):
    from surveys.forms.paper import PaperUploadForm

    settings.ROSTER_IMPORT_MAX_BYTES = 2**20
    upload = SimpleUploadedFile("besar.xlsx", b"x" * (2**20 + 1))
    form = PaperUploadForm(data={}, files={"file": upload}, user=province.admin.user)
    assert not form.is_valid()
    assert form.errors["file"] == ["Berkas terlalu besar (maksimal 1 MB)."]
