"""Evidence uploads: type from content, size, macros, archive bombs, names; private downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations.models import Evidence
from evaluations.uploads import UploadError, display_name_clean, evidence_file_check
from tests.evaluations.lke_factories import JPG, PDF, PNG, first, lke_round, office

pytestmark = pytest.mark.django_db


def check(data: bytes, name: str):
    return evidence_file_check(io.BytesIO(data), name=name)


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF, "laporan.pdf", "pdf"),
        (JPG, "foto.jpeg", "jpg"),
        (PNG, "foto.png", "png"),
        (office("docx"), "sk.docx", "docx"),
        (office("xlsx"), "rekap.xlsx", "xlsx"),
        (office("pptx"), "paparan.pptx", "pptx"),
    ],
)
def test_allowed_types_are_recognised_by_content(data, name, kind):
    checked = check(data, name)
    assert (checked.kind, checked.extension) == (kind, f".{kind}")


def test_wrong_content_under_a_right_extension_is_refused():
    with pytest.raises(UploadError) as error:
        check(b"<html><script>alert(1)</script></html>", "laporan.pdf")
    assert "bukan jenis yang diterima" in str(error.value)
    with pytest.raises(UploadError) as error:
        check(PNG, "laporan.pdf")
    assert "isinya PNG" in str(error.value)


def test_empty_file_is_refused():
    with pytest.raises(UploadError, match="kosong"):
        check(b"", "kosong.pdf")


def test_oversized_file_is_refused(settings):
    settings.EVIDENCE_MAX_MB = 1
    with pytest.raises(UploadError, match="batasnya 1 MB"):
        check(PDF + b"0" * (1024 * 1024), "besar.pdf")


def test_macro_workbook_renamed_to_xlsx_is_refused():
    with pytest.raises(UploadError, match="makro"):
        check(office("xlsm"), "rekap.xlsx")
    with pytest.raises(UploadError, match="makro"):
        check(office("xlsx", vba=True), "rekap.xlsx")
    with pytest.raises(UploadError, match="makro"):
        check(office("docm"), "surat.docx")


def test_archive_bomb_docx_is_refused_before_decompressing():
    bomb = office("docx", bomb_mb=210)
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(UploadError, match="bom arsip"):
        check(bomb, "laporan.docx")


def test_encrypted_and_malformed_office_files_are_refused():
    with pytest.raises(UploadError, match="format Office lama"):
        check(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "terkunci.docx")
    with pytest.raises(UploadError, match="rusak"):
        check(b"PK\x03\x04" + b"\0" * 100, "rusak.docx")
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("foo.txt", "bukan office")
    with pytest.raises(UploadError, match="bukan dokumen Office"):
        check(buffer.getvalue(), "zip.docx")


def test_path_traversal_and_non_ascii_names_are_display_text_only():
    assert display_name_clean("../../etc/passwd") == "passwd"
    assert display_name_clean("..\\..\\Windows\\win.ini") == "win.ini"
    assert display_name_clean("Laporan\x00\x1b[31m Ümit 日本.pdf") == "Laporan[31m Ümit 日本.pdf"
    assert display_name_clean("") == "berkas"


def _upload(client, assessment, name, data, description="Bukti"):
    url = reverse("evaluations:lke_evidence_upload", args=[assessment.pk])
    return client.post(
        url, {"file_1": SimpleUploadedFile(name, data), "description_1": description}
    )


@pytest.fixture
def setup(province):
    return lke_round(province)


def test_upload_through_the_page_refuses_with_the_reason_and_stores_nothing(
    client, province, setup, settings
):
    settings.EVIDENCE_MAX_MB = 1
    a = first(setup.ra_a)
    client.force_login(province.agent_a.user)
    cases = [
        ("laporan.pdf", b"MZ\x90\x00 not a pdf", "bukan jenis yang diterima"),
        ("kosong.pdf", b"", "kosong"),
        ("besar.pdf", PDF + b"0" * (1024 * 1024 + 1), "batasnya 1 MB"),
        ("rekap.xlsx", office("xlsm"), "makro"),
        ("bom.docx", office("docx", bomb_mb=210), "bom arsip"),
    ]
    for name, data, reason in cases:
        response = _upload(client, a, name, data)
        assert response.status_code == 400, name
        assert reason in response.content.decode(), name
    assert not Evidence.objects.exists()


def test_traversal_name_is_stored_under_a_generated_name_and_downloads_as_attachment(
    client, province, setup, settings
):
    a = first(setup.ra_a)
    client.force_login(province.agent_a.user)
    response = _upload(client, a, "../../../etc/Bukti Kegiatan – Ümit 日本.pdf", PDF)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "Bukti Kegiatan – Ümit 日本.pdf"
    assert evidence.file.name.startswith("evidence/")
    assert ".." not in evidence.file.name and "Bukti" not in evidence.file.name
    assert evidence.file.path.startswith(str(settings.MEDIA_ROOT))
    download = client.get(reverse("evaluations:lke_evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_outsiders_get_404_on_download(client, province, setup):
    a = first(setup.ra_a)
    client.force_login(province.agent_a.user)
    _upload(client, a, "sk.pdf", PDF)
    evidence = Evidence.objects.get()
    url = reverse("evaluations:lke_evidence_download", args=[evidence.pk])
    for person in (province.agent_b, province.leader_a, province.asn_a, province.leader_b):
        client.force_login(person.user)
        assert client.get(url).status_code == 404, person.name
    # The assigned evaluator sees it only once the criterion is submitted.
    client.force_login(province.evaluator.user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_several_files_with_a_description_each(client, province, setup):
    a = first(setup.ra_a)
    client.force_login(province.agent_a.user)
    response = client.post(
        reverse("evaluations:lke_evidence_upload", args=[a.pk]),
        {
            "file_1": SimpleUploadedFile("sk.pdf", PDF),
            "description_1": "SK roadmap",
            "file_2": SimpleUploadedFile("foto.png", PNG),
            "description_2": "Foto kegiatan",
        },
    )
    assert response.status_code == 302
    assert sorted(Evidence.objects.values_list("description", flat=True)) == [
        "Foto kegiatan",
        "SK roadmap",
    ]


def test_a_file_without_description_is_refused(client, province, setup):
    a = first(setup.ra_a)
    client.force_login(province.agent_a.user)
    response = _upload(client, a, "sk.pdf", PDF, description="")
    assert response.status_code == 400
    assert "Isi keterangan" in response.content.decode()
