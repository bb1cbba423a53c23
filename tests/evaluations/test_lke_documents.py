"""What evaluators and agencies take away from the LKE: the audit trail in words (names, labels,
local time) with its filter and Excel export, every evidence file in one streamed zip (scoped,
safe unique names), the recap of an agency and of the province (Excel and PDF read back), and one
decimal style (the Indonesian comma)."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluations import scoring
from evaluations.lke import evidence_zip, services
from evaluations.models import AssessmentEvent, AssessmentStatus, Criterion, EventKind
from tests.evaluations.lke_factories import (
    PDF,
    evidence_direct,
    first,
    lke_round,
    submitted_with_evidence,
)

pytestmark = pytest.mark.django_db
S = AssessmentStatus


@pytest.fixture
def scored(province):
    """Agency A: 1.1 final (evaluator said TIDAK, so a reason), 1.3 submitted, 1.2 a draft with a
    file; agency B: one submitted criterion."""
    setup = lke_round(province)
    agent, evaluator = province.agent_a.user, province.evaluator.user
    a = submitted_with_evidence(first(setup.ra_a, "1.1"), agent)
    a = services.assessment_score(
        assessment=a,
        by=evaluator,
        version=a.version,
        answer="TIDAK",
        notes="SK belum berlaku.",
        recommendation="",
    )
    services.assessment_finalise(
        assessment=a, by=evaluator, version=a.version, answer="TIDAK", reason="SK terlambat."
    )
    submitted_with_evidence(first(setup.ra_a, "1.3"), agent)
    draft = first(setup.ra_a, "1.2")
    services.assessment_self_save(
        assessment=draft, by=agent, version=draft.version, answer="A", narrative="draf"
    )
    evidence_direct(draft, agent, name="draf rahasia.pdf")
    submitted_with_evidence(first(setup.ra_b, "1.1"), province.agent_b.user)
    return setup


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- audit trail ---------------------------------------------------------------------------------


def test_audit_trail_speaks_in_names_labels_and_local_time(client, province, scored):
    client.force_login(province.agent_a.user)
    response = client.get(reverse("evaluations:lke_audit", args=[scored.ra_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Jawaban akhir" in body and "final_answer" not in body
    assert "Evaluator Biro" in body and "evaluator_id" not in body
    assert f": {province.evaluator.user.pk}<" not in body  # the evaluator by name, never an id
    assert "Dinilai → Final" in body and "SCORED" not in body
    assert "Tidak" in body  # the answer's label
    event = AssessmentEvent.objects.filter(kind=EventKind.FINAL_SCORE).latest("at")
    local = timezone.localtime(event.at)
    assert local.utcoffset() == dt.timedelta(hours=8)  # WITA
    assert local.strftime("%H:%M") in body and "WITA" in body


def test_the_assigned_evaluator_reads_the_trail_without_the_drafts(client, province, scored):
    client.force_login(province.evaluator.user)
    body = client.get(reverse("evaluations:lke_audit", args=[scored.ra_a.pk])).content.decode()
    assert ">1.1</td>" in body and ">1.3</td>" in body
    assert ">1.2</td>" not in body and "draf rahasia" not in body
    client.force_login(province.agent_b.user)
    assert client.get(reverse("evaluations:lke_audit", args=[scored.ra_a.pk])).status_code == 404


def test_audit_filter_by_kind_criterion_person_and_dates(client, province, scored):
    client.force_login(province.admin.user)
    url = reverse("evaluations:lke_audit", args=[scored.ra_a.pk])
    body = client.get(url, {"jenis": EventKind.FINAL_SCORE}).content.decode()
    assert "Nilai akhir ditetapkan" in body and "Bukti diunggah</td>" not in body
    assert "1 catatan" in body
    body = client.get(url, {"kriteria": "1.3"}).content.decode()
    assert ">1.3</td>" in body and ">1.1</td>" not in body
    body = client.get(url, {"oleh": province.evaluator.user.pk}).content.decode()
    assert "Evaluator Biro</td>" in body and "Agen Dinkes</td>" not in body
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    body = client.get(url, {"dari": tomorrow.isoformat()}).content.decode()
    assert "Belum ada catatan." in body
    today = timezone.localdate().isoformat()
    body = client.get(url, {"dari": today, "sampai": today}).content.decode()
    assert ">1.1</td>" in body
    component = first(scored.ra_a, "1.1").criterion.component
    assert ">1.1</td>" in client.get(url, {"komponen": component.pk}).content.decode()


def test_a_bad_filter_is_said_and_filters_nothing(client, province, scored):
    client.force_login(province.admin.user)
    url = reverse("evaluations:lke_audit", args=[scored.ra_a.pk])
    response = client.get(url, {"dari": "kemarin", "jenis": "NOPE"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "tidak dapat dibaca" in body and ">1.1</td>" in body


def test_audit_excel_holds_the_filtered_trail_with_real_dates(client, province, scored):
    client.force_login(province.evaluator.user)
    url = reverse("evaluations:lke_audit_export", args=[scored.ra_a.pk])
    response = client.get(url, {"kriteria": "1.1"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:4] == ["Waktu", "Komponen", "Kriteria", "Peristiwa"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:J")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows and {row[2] for row in rows} == {"1.1"}
    assert isinstance(rows[0][0], dt.datetime)
    final = next(row for row in rows if row[3] == "Nilai akhir ditetapkan")
    assert "Jawaban akhir: Tidak" in final[8] and final[9] == "SK terlambat."
    local = timezone.localtime(AssessmentEvent.objects.filter(kind=EventKind.FINAL_SCORE).get().at)
    assert abs(final[0] - local.replace(tzinfo=None)) < dt.timedelta(seconds=1)
    scores = [row for row in rows if row[3] == "Nilai evaluator diubah"]
    assert scores and "Evaluator: Evaluator Biro" in scores[0][8]


# --- the evidence in one zip ---------------------------------------------------------------------


def test_evidence_zip_streams_every_file_the_reader_may_download(client, province, scored):
    client.force_login(province.agent_a.user)
    response = client.get(reverse("evaluations:lke_evidence_zip", args=[scored.ra_a.pk]))
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/zip"
    assert 'filename="bukti-lke-' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    names = archive.namelist()
    assert names == ["01/1.1_sk-roadmap.pdf", "01/1.2_draf_rahasia.pdf", "01/1.3_sk-roadmap.pdf"]
    assert archive.read(names[0]) == PDF and archive.testzip() is None

    client.force_login(province.evaluator.user)  # no draft's file for the evaluator
    response = client.get(reverse("evaluations:lke_evidence_zip", args=[scored.ra_a.pk]))
    names = zipfile.ZipFile(io.BytesIO(_body(response))).namelist()
    assert names == ["01/1.1_sk-roadmap.pdf", "01/1.3_sk-roadmap.pdf"]

    for outsider in (province.agent_b, province.leader_a, province.asn_a):
        client.force_login(outsider.user)
        assert (
            client.get(reverse("evaluations:lke_evidence_zip", args=[scored.ra_a.pk])).status_code
            == 404
        )


def test_evidence_zip_of_one_component_with_safe_unique_names(client, province, scored):
    a = first(scored.ra_a, "1.3")
    for name in (
        "../../etc/passwd",
        "sk-roadmap.pdf",
        "SK-ROADMAP.pdf",
        ".env",
        "a\u202eb.pdf",
        "???.pdf",
        "...",
    ):
        evidence_direct(a, province.agent_a.user, name=name)
    other = first(scored.ra_a, "2.1")
    evidence_direct(other, province.agent_a.user, name="lain.pdf")
    client.force_login(province.admin.user)
    url = reverse("evaluations:lke_evidence_zip", args=[scored.ra_a.pk])
    response = client.get(url, {"komponen": a.criterion.component_id})
    assert "-komponen-1.zip" in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(_body(response))).namelist()
    mine = [n for n in names if n.startswith("01/1.3_")]
    assert mine == [
        "01/1.3_sk-roadmap.pdf",
        "01/1.3_passwd",
        "01/1.3_sk-roadmap (2).pdf",
        "01/1.3_SK-ROADMAP (3).pdf",
        "01/1.3_env",
        "01/1.3_ab.pdf",
        "01/1.3_berkas.pdf",
        "01/1.3_berkas",
    ]
    assert not any(n.startswith("02/") for n in names)
    assert all(".." not in n and "\x00" not in n for n in names)
    other_component = client.get(url, {"komponen": 999999})
    assert other_component.status_code == 404


def test_evidence_zip_memory_stays_bounded_by_the_chunk(province, scored, settings):
    big = b"%PDF-1.4\n" + bytes(range(256)) * (6 * 1024 * 4)  # ~6 MiB, barely compressible
    a = first(scored.ra_a, "1.3")
    evidence_direct(a, province.agent_a.user, data=big, name="besar.pdf")
    entries = evidence_zip.evidence_entries(province.admin.user, scored.ra_a)
    chunks = list(evidence_zip.evidence_zip_stream(entries))
    assert len(chunks) > 4
    assert max(len(c) for c in chunks) < 2 * evidence_zip.CHUNK
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.read("01/1.3_besar.pdf") == big


# --- the recap -----------------------------------------------------------------------------------


def test_agency_recap_excel_has_every_criterion_with_numbers(client, province, scored):
    client.force_login(province.evaluator.user)
    response = client.get(reverse("evaluations:lke_recap", args=[scored.ra_a.pk, "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Rekap LKE"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "Komponen",
        "Kode",
        "Kriteria",
        "Bobot",
        "Status",
        "Jawaban mandiri",
        "Poin mandiri",
        "Jawaban evaluator",
        "Poin evaluator",
        "Jawaban akhir",
        "Poin akhir",
        "Alasan nilai akhir",
        "Jumlah bukti",
    ]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:M{sheet.max_row}"
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["1.1"][4] == "Final" and rows["1.1"][5] == "Ya" and rows["1.1"][9] == "Tidak"
    assert rows["1.1"][6] == pytest.approx(float(first(scored.ra_a, "1.1").criterion.weight))
    assert rows["1.1"][10] == 0 and rows["1.1"][11] == "SK terlambat." and rows["1.1"][12] == 1
    assert sheet["D2"].number_format == "0.00" and isinstance(sheet["D2"].value, (int, float))
    assert rows["1.2"][4] == "Draf" and rows["1.2"][5] is None and rows["1.2"][12] is None
    assert rows["1.3"][4] == "Diajukan" and rows["1.3"][5] == "Ya" and rows["1.3"][12] == 1
    assert len(rows) == Criterion.objects.filter(component__worksheet__round=scored.round).count()
    assert book["Keterangan"]["A1"].value == "Keterangan"


def test_agency_recap_pdf_reads_back(client, province, scored):
    client.force_login(province.agent_a.user)
    response = client.get(reverse("evaluations:lke_recap", args=[scored.ra_a.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rekap LKE" in text and "Dinas Kesehatan" in text
    assert "SK terlambat." in text and "Final" in text
    client.force_login(province.agent_b.user)
    assert (
        client.get(reverse("evaluations:lke_recap", args=[scored.ra_a.pk, "pdf"])).status_code
        == 404
    )
    assert (
        client.get(reverse("evaluations:lke_recap", args=[scored.ra_b.pk, "doc"])).status_code
        == 404
    )


def test_province_recap_for_the_admin_only(client, province, scored):
    client.force_login(province.admin.user)
    url = reverse("evaluations:lke_province_recap", args=[scored.round.pk, "xlsx"])
    book = load_workbook(io.BytesIO(client.get(url).content))
    summary = book["Ringkasan"]
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref.startswith("A1:J")
    rows = {row[0]: row for row in summary.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"DINKES", "DISDIK", "BIRO-ORG"}
    assert rows["DINKES"][3] == 2 and rows["DINKES"][4] == 1 and rows["DINKES"][9] == 3
    detail = list(book["Rincian"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in detail} == {"DINKES", "DISDIK", "BIRO-ORG"}
    draft = next(r for r in detail if r[0] == "DINKES" and r[3] == "1.2")
    assert draft[6] == "Draf" and draft[7] is None  # a draft's answer does not count yet
    assert draft[14] == 1  # but the admin sees its file
    response = client.get(reverse("evaluations:lke_province_recap", args=[scored.round.pk, "pdf"]))
    if os.environ.get("SHOTS") == "1":
        os.makedirs("screenshots", exist_ok=True)
        with open("screenshots/lke-recap-province.pdf", "wb") as handle:
            handle.write(response.content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Dinas Pendidikan" in text and "Biro Organisasi" in text
    for person in (province.evaluator, province.agent_a, province.leader_a):
        client.force_login(person.user)
        assert client.get(url).status_code == 404


# --- one decimal style ---------------------------------------------------------------------------


def test_scores_read_with_the_active_languages_decimal_mark(client, province, scored):
    with translation.override("id"):
        assert scoring.display(Decimal("5")) == "5,00"
        assert scoring.display(Decimal("56.25"), "0.1") == "56,3"
        assert scoring.answer_label("PERCENT", "80.5") == "80,5%"
    with translation.override("en"):
        assert scoring.display(Decimal("5")) == "5.00"
    a = first(scored.ra_a, "1.3")
    client.force_login(province.agent_a.user)
    body = client.get(reverse("evaluations:lke_assessment", args=[a.pk])).content.decode()
    weight = scoring.display(a.criterion.weight)
    assert f"({weight} poin)" in body and "," in weight
