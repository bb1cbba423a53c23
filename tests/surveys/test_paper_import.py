"""Paper and offline answers: all or nothing, row-level errors, anonymous, counted per agency."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from berakhlak.roster.xlsx import WorkbookError
from evaluations.models import RoundAgency, RoundStatus
from evaluations.services import round_transition
from surveys import selectors
from surveys.models import PaperImport, Participation, Response, ResponseSource, SealedSubmission
from surveys.services.filling import answers_save, response_fields, survey_submit
from surveys.services.paper_import import PaperImportError, paper_import, paper_template_bytes
from tests.factories import AgencyFactory
from tests.surveys.factories import (
    behaviour_instrument,
    engagement_instrument,
    open_round,
    submissions_of,
)
from tests.surveys.paper_files import CODES, answer_row, paper_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(province):
    return open_round(province, instruments=[behaviour_instrument(), engagement_instrument()])


def messages_of(error) -> list[str]:
    return [str(p) for p in error.value.problems]


def test_good_file_creates_anonymous_responses_with_scores(province, survey_round):
    participations_before = list(Participation.objects.values_list("pk", "status"))
    rows = [
        answer_row("DINKES", "PNS", 6),
        answer_row("uptd-lab", "pppk paruh waktu", 1),
        answer_row("DISDIK", "CPNS", 4.0),
    ]
    assert paper_import(round=survey_round, fileobj=paper_workbook(rows)) == 3
    assert not Response.objects.exists()  # sealed until the round's release, like web answers
    codes = dict(RoundAgency.objects.filter(round=survey_round).values_list("pk", "code"))
    sheets = [s for s in submissions_of(survey_round) if s.source == ResponseSource.PAPER]
    by_agency = {codes[s.round_agency_id]: s for s in sheets}
    assert set(by_agency) == {"DINKES", "UPTD-LAB", "DISDIK"}
    assert by_agency["DINKES"].score_bp == 100.0 and by_agency["UPTD-LAB"].score_kl == 0.0
    assert by_agency["UPTD-LAB"].asn_type == "PPPK_PARUH_WAKTU"
    assert by_agency["DISDIK"].answers["AK2"] == 4
    assert by_agency["DINKES"].score_engagement is None
    assert list(Participation.objects.values_list("pk", "status")) == participations_before


def test_paper_scores_equal_web_scores_for_the_same_answers(province, survey_round):
    paper_import(round=survey_round, fileobj=paper_workbook([answer_row(value=3, BP1=6, KL3=2)]))
    [paper] = submissions_of(survey_round)
    assert paper.source == ResponseSource.PAPER
    survey = selectors.survey_for_round(survey_round)
    web = response_fields(survey, {**dict.fromkeys(CODES, 3), "BP1": 6, "KL3": 2})
    for code in ("bp", "ak", "ko", "ha", "lo", "ad", "kl"):
        assert getattr(paper, f"score_{code}") == web[f"score_{code}"]


def test_every_bad_row_is_reported_and_nothing_is_written(province, survey_round):
    AgencyFactory(code="BARU", name="Unit dibuat setelah putaran dibuka", parent=province.root)
    rows = [
        answer_row("DINKES", "PNS", 5),
        answer_row("TIDAK-ADA", "PNS", 5),
        answer_row("BARU", "PNS", 5),
        answer_row("DINKES", "HONORER", 5),
        answer_row("DINKES", "PNS", 5, AK2=9),
        answer_row("DINKES", "PNS", 5, KO1=None),
        answer_row("DINKES", "PNS", 5, HA3=4.5),
        answer_row("DINKES", "PNS", 5, LO1="lima"),
    ]
    with pytest.raises(PaperImportError) as error:
        paper_import(round=survey_round, fileobj=paper_workbook(rows))
    text = "\n".join(messages_of(error))
    assert "baris 3, kolom kode_unit: Kode unit TIDAK-ADA tidak ada dalam potret unit" in text
    assert "baris 4, kolom kode_unit: Kode unit BARU" in text
    assert "baris 5, kolom jenis_asn: Jenis ASN HONORER tidak dikenal" in text
    assert "baris 6, kolom AK2: Nilai 9 di luar skala" in text
    assert "baris 7, kolom KO1: Jawaban kosong" in text
    assert "baris 8, kolom HA3: Nilai 4.5 di luar skala" in text
    assert "baris 9, kolom LO1: Nilai lima di luar skala" in text
    assert not SealedSubmission.objects.exists()


def test_missing_sheet_and_wrong_header(province, survey_round):
    with pytest.raises(PaperImportError) as error:
        paper_import(round=survey_round, fileobj=paper_workbook([answer_row()], sheet="Lembar1"))
    assert "Sheet 'Jawaban' tidak ditemukan" in messages_of(error)[0]
    header = ["kode_unit", "jenis_asn", *CODES[:-1]]
    with pytest.raises(PaperImportError) as error:
        paper_import(round=survey_round, fileobj=paper_workbook([answer_row()[:-1]], header=header))
    assert "Kolom 'KL3' tidak ada di baris judul." in messages_of(error)[0]
    assert not SealedSubmission.objects.exists()


def test_not_an_xlsx_is_refused(province, survey_round):
    with pytest.raises(WorkbookError):
        paper_import(round=survey_round, fileobj=io.BytesIO(b"kode_unit;jenis_asn\nDINKES;PNS\n"))


def test_empty_sheet_is_refused(province, survey_round):
    with pytest.raises(PaperImportError) as error:
        paper_import(round=survey_round, fileobj=paper_workbook([]))
    assert "tidak berisi satu baris" in messages_of(error)[0]


def test_template_lists_the_round_codes_and_units(province, survey_round):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(paper_template_bytes(round=survey_round)))
    assert workbook.sheetnames == ["Jawaban", "Petunjuk", "Unit"]
    header = [c.value for c in workbook["Jawaban"][1]]
    assert header == ["kode_unit", "jenis_asn", *CODES]
    units = {row[0] for row in workbook["Unit"].iter_rows(min_row=2, values_only=True)}
    assert {"DINKES", "UPTD-LAB", "DISDIK"} <= units


def test_command_imports_and_reports_errors(province, survey_round, tmp_path):
    good = tmp_path / "baik.xlsx"
    good.write_bytes(paper_workbook([answer_row(), answer_row("DISDIK")]).getvalue())
    out = io.StringIO()
    call_command(
        "import_responses", str(good), round=str(survey_round.pk), dry_run=True, stdout=out
    )
    assert "2 baris jawaban siap diimpor" in out.getvalue()
    assert not SealedSubmission.objects.exists()
    call_command("import_responses", str(good), round=survey_round.name, stdout=out)
    assert "2 jawaban kertas diimpor" in out.getvalue()
    assert SealedSubmission.objects.count() == 2

    bad = tmp_path / "salah.xlsx"
    bad.write_bytes(paper_workbook([answer_row(AK1=0)]).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 kesalahan ditemukan; tidak ada yang diimpor"):
        call_command("import_responses", str(bad), round=str(survey_round.pk), stderr=err)
    assert "kolom AK1" in err.getvalue()
    assert SealedSubmission.objects.count() == 2
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import_responses", str(good), round="999")


def test_command_refuses_a_computed_round(province, survey_round, tmp_path):
    round_transition(round=survey_round, to=RoundStatus.CLOSED)
    round_transition(round=survey_round, to=RoundStatus.COMPUTED)
    good = tmp_path / "baik.xlsx"
    good.write_bytes(paper_workbook([answer_row()]).getvalue())
    with pytest.raises(CommandError, match="Dihitung"):
        call_command("import_responses", str(good), round=str(survey_round.pk))


def test_admin_uploads_previews_and_confirms(client, province, survey_round):
    client.force_login(province.admin.user)
    assert client.get(reverse("surveys:paper_start")).status_code == 200
    template = client.get(reverse("surveys:paper_template", args=[survey_round.pk]))
    assert template["Content-Disposition"].startswith("attachment;")
    upload = paper_workbook([answer_row(), answer_row("DISDIK")])
    upload.name = "kertas.xlsx"
    preview = client.post(
        reverse("surveys:paper_start"), {"round": survey_round.pk, "file": upload}
    )
    html = preview.content.decode()
    assert 'data-testid="paper-count">2<' in html
    assert not SealedSubmission.objects.exists()
    token = preview.context["token"]
    done = client.post(reverse("surveys:paper_confirm"), {"token": token}, follow=True)
    assert "2 jawaban kertas diimpor" in done.content.decode()
    assert [s.source for s in submissions_of(survey_round)] == [ResponseSource.PAPER] * 2
    counts = PaperImport.objects.filter(round=survey_round).values_list(
        "round_agency__code", "count"
    )
    assert sorted(counts) == [("DINKES", 1), ("DISDIK", 1)]
    again = client.post(reverse("surveys:paper_confirm"), {"token": token}, follow=True)
    assert "Tidak ada impor yang menunggu konfirmasi" in again.content.decode()
    assert SealedSubmission.objects.count() == 2


def test_upload_with_errors_lists_them_and_keeps_the_round(client, province, survey_round):
    client.force_login(province.admin.user)
    upload = paper_workbook([answer_row(AK1=7)])
    upload.name = "salah.xlsx"
    response = client.post(
        reverse("surveys:paper_start"), {"round": survey_round.pk, "file": upload}
    )
    html = response.content.decode()
    assert 'data-testid="paper-errors"' in html and "Nilai 7 di luar skala" in html
    assert f'value="{survey_round.pk}" selected' in html


@pytest.mark.parametrize("who", ["agent_a", "leader_a", "evaluator", "asn_a"])
def test_everyone_but_the_admin_gets_404(client, province, survey_round, who):
    client.force_login(getattr(province, who).user)
    assert client.get(reverse("surveys:paper_start")).status_code == 404
    assert client.get(reverse("surveys:paper_template", args=[survey_round.pk])).status_code == 404
    assert client.post(reverse("surveys:paper_confirm"), {"token": "x"}).status_code == 404


def test_web_submission_and_paper_both_count_on_the_board(province, survey_round):
    from surveys.selectors_board import board_rows

    participation = Participation.objects.get(round=survey_round, employee=province.asn_a)
    survey = selectors.survey_for_round(survey_round)
    from tests.surveys.factories import full_answers

    answers_save(participation=participation, answers=full_answers(survey), survey=survey)
    survey_submit(participation=participation)
    paper_import(round=survey_round, fileobj=paper_workbook([answer_row()]))
    row = next(
        r for r in board_rows(province.admin.user, survey_round) if r.agency.code == "DINKES"
    )
    assert (row.submitted, row.paper, row.completed) == (1, 1, 2)
