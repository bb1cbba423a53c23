"""compute_indices, export_indices and seed_responses from the shell."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from evaluations.models import RoundAgency, RoundStatus
from reports.models import IndexRun, RunStatus
from surveys.models import Response
from tests.reports.factories import respond, round_status_set, survey_round
from tests.surveys.factories import default_instruments, open_round, submissions_of

COLUMNS = [
    "kode_unit",
    "n",
    "BP",
    "AK",
    "KO",
    "HA",
    "LO",
    "AD",
    "KL",
    "indeks_individu",
    "kategori",
]


def run_command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def computed_round(province):
    round = survey_round(province)
    respond(
        round,
        "DINKES",
        {"BP": 80, "AK": 80, "KO": 80, "HA": 80, "LO": 80, "AD": 40, "KL": 80},
        count=6,
    )
    respond(round, "DISDIK", 60, count=6)
    respond(round, "BIRO-ORG", 90, count=2)
    return round


def test_compute_indices_by_id_prints_a_summary(computed_round):
    output = run_command("compute_indices", "--round", str(computed_round.pk))
    run = IndexRun.objects.get()
    assert run.status == RunStatus.DONE and run.trigger == "COMMAND"
    assert f"Perhitungan #{run.pk} selesai (sementara" in output
    assert "14 jawaban" in output
    assert "disembunyikan karena kelompok kecil" in output


def test_compute_indices_by_exact_name(computed_round):
    run_command("compute_indices", "--round", computed_round.name)
    assert IndexRun.objects.filter(round=computed_round, status=RunStatus.DONE).exists()


def test_compute_indices_unknown_round_says_how_to_name_it(db):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run_command("compute_indices", "--round", "Putaran yang tidak ada")


def test_compute_indices_refuses_a_published_round(computed_round):
    round_status_set(computed_round, RoundStatus.PUBLISHED)
    with pytest.raises(CommandError, match="tidak dapat dihitung ulang"):
        run_command("compute_indices", "--round", str(computed_round.pk))


def test_compute_indices_does_not_compute_twice_while_a_run_is_running(computed_round):
    IndexRun.objects.create(round=computed_round, status=RunStatus.RUNNING)
    output = run_command("compute_indices", "--round", str(computed_round.pk))
    assert "sedang berjalan" in output
    assert not IndexRun.objects.filter(status=RunStatus.DONE).exists()


def test_export_indices_writes_per_nilai(computed_round, tmp_path):
    RoundAgency.objects.filter(round=computed_round, code="DISDIK").update(code="=DISDIK")
    run_command("compute_indices", "--round", str(computed_round.pk))
    path = tmp_path / "indeks.xlsx"
    output = run_command("export_indices", "--round", str(computed_round.pk), "--output", str(path))
    assert "ditulis ke" in output and "sementara" in output
    workbook = load_workbook(path)
    sheet = workbook["Per Nilai"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"PROV", "DINKES", "UPTD-LAB", "=DISDIK", "BIRO-ORG", "PROVINSI"}
    # DINKES (with its empty UPTD): six responses, AD 40, others 80 -> (480 + 40) / 7 = 74.3 B
    assert by_code["DINKES"] == ("DINKES", 6, 80, 80, 80, 80, 80, 40, 80, 74.3, "B")
    # BIRO-ORG (2) and, to protect it, DISDIK are hidden, said in words
    assert by_code["BIRO-ORG"][2:] == ("disembunyikan",) * 9
    assert by_code["=DISDIK"][2] == "disembunyikan"
    # province: 14 responses, BP (480 + 360 + 180) / 14 = 72.857 -> 72.9
    assert by_code["PROVINSI"][:3] == ("PROVINSI", 14, 72.9)
    # a code starting with "=" stays text, never a formula
    cell = next(c for c in sheet["A"] if c.value == "=DISDIK")
    assert cell.data_type == "s"
    assert "Keterangan" in workbook.sheetnames


def test_export_indices_needs_a_computed_round(computed_round, tmp_path):
    with pytest.raises(CommandError, match="belum dihitung"):
        run_command(
            "export_indices",
            "--round",
            str(computed_round.pk),
            "--output",
            str(tmp_path / "x.xlsx"),
        )


def test_seed_responses_adds_scored_anonymous_responses(province):
    round = open_round(province, instruments=default_instruments())
    output = run_command("seed_responses", "--round", str(round.pk), "--count", "300")
    assert "300 jawaban simulasi" in output
    assert not Response.objects.filter(round=round).exists()  # sealed like real submissions
    sheets = submissions_of(round)
    assert len(sheets) == 300
    assert all(s.score_bp is not None and s.current_limiting is not None for s in sheets)
    run_command("compute_indices", "--round", str(round.pk))
    run = IndexRun.objects.get(round=round)
    province_values = {
        f.code: f.value
        for f in run.figures.filter(scope="PROVINCE", dimension="", code__in=["AD", "AK"])
    }
    assert province_values["AD"] < province_values["AK"]  # Adaptif is the weak value


def test_seed_responses_refuses_a_draft_round(province):
    round = survey_round(province)
    round_status_set(round, RoundStatus.DRAFT)
    with pytest.raises(CommandError, match="Draf"):
        run_command("seed_responses", "--round", str(round.pk), "--count", "10")
