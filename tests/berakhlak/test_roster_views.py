"""Roster import pages: who may use them, upload -> preview -> confirm, bad uploads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from berakhlak.models import Employee, ImportStatus, RosterImport
from berakhlak.roster.services import ROSTER_IMPORTS
from tests.berakhlak.roster_files import employee, workbook_bytes

pytestmark = pytest.mark.django_db
PAGES = ["roster_import_start", "roster_template", "roster_export"]
UNITS = [
    ["PROV", "Pemerintah Provinsi Uji", "PROVINSI", None],
    ["DINKES", "Dinas Kesehatan", "DINAS", "PROV"],
    ["BARU", "Unit Baru", "UPTD", "DINKES"],
]


def upload(data, name="pegawai.xlsx"):
    return SimpleUploadedFile(name, data.getvalue() if hasattr(data, "getvalue") else data)


def post_upload(client, data, capture):
    with capture(execute=True):
        return client.post(reverse("roster_import_start"), {"file": upload(data)})


@pytest.mark.parametrize("page", PAGES)
def test_only_province_admins_reach_the_import_pages(client, province, page):
    url = reverse(page)
    assert client.get(url).status_code == 302  # anonymous -> login
    for person in (
        province.leader_a,
        province.agent_a,
        province.asn_a,
        province.evaluator,
        province.leader_b,
    ):
        client.force_login(person.user)
        assert client.get(url).status_code == 404, person.name
    client.force_login(province.admin.user)
    assert client.get(url).status_code == 200


def test_template_download_has_the_exact_headers(client, province):
    from openpyxl import load_workbook

    client.force_login(province.admin.user)
    response = client.get(reverse("roster_template"))
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(__import__("io").BytesIO(response.content))
    assert [c.value for c in book["Unit"][1]] == ["kode", "nama", "jenis", "kode_induk"]
    assert [c.value for c in book["Pegawai"][1]] == [
        "nip",
        "nama",
        "jenis_asn",
        "kode_unit",
        "jabatan",
        "email",
    ]


def test_upload_preview_confirm_applies_and_shows_counts(
    client, province, django_capture_on_commit_callbacks
):
    client.force_login(province.admin.user)
    response = post_upload(
        client,
        workbook_bytes(units=UNITS, employees=[employee(1, unit="BARU"), employee(2)]),
        django_capture_on_commit_callbacks,
    )
    record = RosterImport.objects.get()
    assert response.url == reverse("roster_import_detail", args=[record.pk])
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED
    page = client.get(response.url).content.decode()
    assert "Terapkan impor" in page and Employee.objects.filter(agency__code="BARU").count() == 0
    # Employees of the fixture province are absent from the file; they stay active unless chosen.
    assert record.summary["counts"]["employees_missing"] == Employee.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {})
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert Employee.objects.filter(agency__code="BARU").count() == 1
    assert Employee.objects.filter(active=False).count() == 0
    assert "Impor diterapkan" in client.get(response.url).content.decode()
    # Confirming twice does nothing more.
    client.post(response.url, {})
    assert Employee.objects.filter(agency__code="BARU").count() == 1


def test_rejected_file_lists_errors_and_cannot_be_confirmed(
    client, province, django_capture_on_commit_callbacks
):
    client.force_login(province.admin.user)
    response = post_upload(
        client,
        workbook_bytes(units=UNITS, employees=[employee(1, nip="123")]),
        django_capture_on_commit_callbacks,
    )
    record = RosterImport.objects.get()
    assert record.status == ImportStatus.REJECTED
    page = client.get(response.url).content.decode()
    assert "NIP harus 18 digit" in page and "Terapkan impor" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {})
    record.refresh_from_db()
    assert record.status == ImportStatus.REJECTED


def test_non_xlsx_upload_is_refused_in_the_form(client, province):
    client.force_login(province.admin.user)
    response = client.post(
        reverse("roster_import_start"), {"file": upload(b"nip,nama\n1,2\n", "data.xlsx")}
    )
    assert response.status_code == 200
    assert "CSV" in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_htmx_poll_returns_only_the_status_partial(client, province):
    client.force_login(province.admin.user)
    record = RosterImport.objects.create(
        uploaded_by=province.admin.user, original_name="x.xlsx", file="x"
    )
    response = client.get(reverse("roster_import_detail", args=[record.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="import-status"' in body and "every 1s" in body and "<html" not in body


def test_another_admins_import_is_visible_but_outsiders_get_404(client, province):
    record = RosterImport.objects.create(
        uploaded_by=province.admin.user, original_name="x.xlsx", file="x"
    )
    client.force_login(province.leader_a.user)
    assert client.get(reverse("roster_import_detail", args=[record.pk])).status_code == 404


def test_sweeper_requeues_imports_left_pending(province, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    record = RosterImport(uploaded_by=province.admin.user, original_name="x.xlsx")
    record.file.save(
        "x.xlsx", ContentFile(workbook_bytes(employees=[employee(1)]).getvalue()), save=False
    )
    record.save()
    RosterImport.objects.filter(pk=record.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert ROSTER_IMPORTS.sweep(timezone.now()) == 1  # eager: the preview runs now
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED
    assert ROSTER_IMPORTS.sweep(timezone.now()) == 0


def test_the_preview_lists_each_changed_row_and_the_hidden_rows(
    client, province, django_capture_on_commit_callbacks
):
    """The export, edited, uploaded: the preview shows before -> after for that person only."""
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(province.admin.user)
    exported = client.get(reverse("roster_export"))
    assert exported["Content-Disposition"].startswith('attachment; filename="data-pegawai-')
    book = load_workbook(BytesIO(exported.content))
    sheet = book["Pegawai"]
    target = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == province.asn_a.nip)
    target[4].value = "Kepala Subbagian Umum"
    sheet.row_dimensions[target[0].row].hidden = True
    edited = BytesIO()
    book.save(edited)
    response = post_upload(client, edited, django_capture_on_commit_callbacks)
    record = RosterImport.objects.get()
    assert record.status == ImportStatus.PREVIEWED, record.errors
    assert record.summary["counts"]["employees_changed"] == 1
    assert record.summary["counts"]["employees_missing"] == 0
    page = client.get(response.url).content.decode()
    assert 'data-testid="import-changes"' in page and province.asn_a.nip in page
    assert "Kepala Subbagian Umum</ins>" in page
    assert 'data-testid="import-hidden-rows"' in page and f"baris {target[0].row}" in page
