"""The letterhead and signatory of the PDF reports, edited by the province admin in the UI:
stored, audited, validated (NIP, logo), the REPORT_* settings as defaults; a PDF built without a
signatory name says so on its build page."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from reports import letterhead
from reports.models import ReportLetterhead, RunStatus
from reports.printing.services import report_bytes, report_file_build, report_request
from tests.reports.test_documents_checks import pdf_text, published  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
URL = reverse("reports:letterhead")
NIP = "196501011990031001"


def png(size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0b4f8a").save(buffer, "PNG")
    return buffer.getvalue()


def form(**values):
    return {name: values.get(name, "") for name in letterhead.FIELDS}


def test_empty_fields_print_the_settings(settings):
    settings.REPORT_GOVERNMENT = "Pemerintah Provinsi Contoh"
    settings.REPORT_SIGNATORY_NAME = ""
    head = letterhead.letterhead()
    assert head.government == "Pemerintah Provinsi Contoh" and head.unsigned


def test_admin_saves_the_letterhead_and_the_pdf_prints_it(client, province, published):  # noqa: F811
    client.force_login(province.admin.user)
    assert client.get(URL).status_code == 200
    logo = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    values = form(
        government="Pemerintah Provinsi Kalimantan Contoh",
        signatory_name="Dr. Fulan, M.Si.",
        signatory_nip="19650101 199003 1 001",
        signatory_title="Sekretaris Daerah",
    )
    response = client.post(URL, {**values, "logo": logo})
    assert response.status_code == 302
    row = ReportLetterhead.objects.get()
    assert (
        row.signatory_nip == NIP
        and row.logo_type == "image/png"
        and row.updated_by == province.admin.user
    )
    entry = LogEntry.objects.get_for_object(row).latest("timestamp")
    assert entry.actor == province.admin.user and "signatory_name" in entry.changes_dict
    assert "logo" not in entry.changes_dict
    text = pdf_text(report_bytes(round=published, agency=None, format="pdf"))
    assert "Dr. Fulan, M.Si." in text and NIP in text and "KALIMANTAN CONTOH" in text.upper()
    # removing the logo falls back to the installation's
    client.post(URL, {**values, "remove_logo": "on"})
    assert ReportLetterhead.objects.get().logo_type == ""


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"signatory_nip": "12345"}, "18 digit"),
        ({"logo": "text"}, "bukan gambar PNG atau JPEG"),
        ({"logo": "big"}, "2000 piksel"),
    ],
)
def test_bad_input_is_refused_and_kept(client, province, extra, message):
    client.force_login(province.admin.user)
    data = form(signatory_name="Dr. Fulan, M.Si.", signatory_nip=extra.get("signatory_nip", ""))
    if extra.get("logo") == "text":
        data["logo"] = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    if extra.get("logo") == "big":
        data["logo"] = SimpleUploadedFile("logo.png", png((2400, 20)), content_type="image/png")
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert 'value="Dr. Fulan, M.Si."' in html  # what was typed stays
    assert not ReportLetterhead.objects.exists()


def test_only_a_province_admin_opens_the_page(client, province):
    for user in (province.leader_a.user, province.agent_a.user):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, form(signatory_name="X")).status_code == 404
    assert not ReportLetterhead.objects.exists()


def test_a_pdf_built_without_a_signatory_says_so(client, province, published, settings):  # noqa: F811
    settings.REPORT_SIGNATORY_NAME = ""
    report = report_request(user=province.admin.user, round=published, agency=None, format="pdf")
    report_file_build(report.pk)
    report.refresh_from_db()
    assert report.status == RunStatus.DONE and report.unsigned
    client.force_login(province.admin.user)
    html = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="report-unsigned"' in html and URL in html
    letterhead.letterhead_save(values=form(signatory_name="Dr. Fulan"), by=province.admin.user)
    again = report_request(user=province.admin.user, round=published, agency=None, format="pdf")
    report_file_build(again.pk)
    again.refresh_from_db()
    assert not again.unsigned
