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
from surveys.services.paper_import import (
    PaperImportError,
    PaperRepeated,
    paper_import,
    paper_plan,
    paper_template_bytes,
)
from tests.factories import AgencyFactory
from tests.surveys.factories import (
    behaviour_instrument,
    engagement_instrument,
    open_round,
    selection_instrument,
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
    assert header == ["kode_unit", "jenis_asn", *CODES, "EE1", "EE2", "EE3"]
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
    from surveys.selectors.board import board_rows

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


OFFICE = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "office"
PICKS = ["nilai_pribadi", "budaya_saat_ini", "budaya_harapan"]


@pytest.fixture
def full_round(province):
    instruments = [behaviour_instrument(), engagement_instrument(), selection_instrument(k=3)]
    return open_round(province, instruments=instruments)


def full_row(
    unit="DINKES",
    scale=5,
    personal="OBP,OAK,OKO",
    current="OHA,LIM1,OLO",
    desired="OAD,OKL,OBP",
    **engagement,
):
    answers = {"EE1": 6, "EE2": 4, "EE3": 2, **engagement}
    return [
        *answer_row(unit, "PNS", scale),
        answers["EE1"],
        answers["EE2"],
        answers["EE3"],
        personal,
        current,
        desired,
    ]


def full_workbook(rows):
    return paper_workbook(
        rows, header=["kode_unit", "jenis_asn", *CODES, "EE1", "EE2", "EE3", *PICKS]
    )


def test_engagement_and_values_selection_are_imported_like_web_answers(province, full_round):
    assert paper_import(round=full_round, fileobj=full_workbook([full_row()])) == 1
    [paper] = submissions_of(full_round)
    web = response_fields(
        selectors.survey_for_round(full_round),
        {
            **dict.fromkeys(CODES, 5),
            "EE1": 6,
            "EE2": 4,
            "EE3": 2,
            "PERSONAL": ["OBP", "OAK", "OKO"],
            "CURRENT": ["OHA", "LIM1", "OLO"],
            "DESIRED": ["OAD", "OKL", "OBP"],
        },
    )
    assert web["score_engagement"] is not None and web["current_limiting"] == 1
    for name in ("score_engagement", "current_limiting", "current_mask", "alignment_desired"):
        assert getattr(paper, name) == web[name], name
    assert paper.answers["CURRENT"] == ["OHA", "LIM1", "OLO"]


def test_a_file_without_the_optional_sections_still_imports_behaviour_only(province, full_round):
    paper_import(round=full_round, fileobj=paper_workbook([answer_row()]))
    [paper] = submissions_of(full_round)
    assert paper.score_bp is not None
    assert paper.score_engagement is None and paper.current_limiting is None


def test_selection_and_engagement_follow_the_web_rules(province, full_round):
    rows = [
        full_row(personal="OBP,OAK"),  # two of three
        full_row(current="OHA,XYZ,OLO"),  # unknown code
        full_row(desired="OAD OAD OKL"),  # a code twice
        full_row(EE2=None),
        full_row(personal="obp; oak; oko"),  # lower case, semicolons: fine
    ]
    plan = paper_plan(round=full_round, fileobj=full_workbook(rows))
    found = {(p.row, p.column): p.message for p in plan.problems}
    assert set(found) == {
        (2, "nilai_pribadi"),
        (3, "budaya_saat_ini"),
        (4, "budaya_harapan"),
        (5, "EE2"),
    }, found
    assert (
        "tepat 3" in found[(2, "nilai_pribadi")]
        and "tidak dikenal" in found[(3, "budaya_saat_ini")]
    )
    header = ["kode_unit", "jenis_asn", *CODES, "EE1", "EE2"]
    plan = paper_plan(
        round=full_round, fileobj=paper_workbook([[*answer_row(), 5, 5]], header=header)
    )
    assert [p.column for p in plan.problems] == ["EE3"]


def test_an_office_file_with_text_numbers_and_formulas_imports_their_values(province, survey_round):
    fileobj = io.BytesIO((OFFICE / "jawaban_kantor.xlsx").read_bytes())
    plan = paper_plan(round=survey_round, fileobj=fileobj)
    assert not plan.problems, [str(p) for p in plan.problems]
    assert [row["answers"]["BP1"] for row in plan.rows] == [4, 5, 6]  # "4.0", =2+3, 6
    assert plan.hidden_rows == [4]


def test_a_formula_without_a_saved_value_is_refused_not_called_out_of_scale(province, survey_round):
    plan = paper_plan(round=survey_round, fileobj=paper_workbook([answer_row(AK1="=2+2")]))
    [problem] = plan.problems
    assert (problem.row, problem.column) == (2, "AK1") and "nilai tersimpan" in problem.message


def test_the_same_file_twice_is_refused_unless_confirmed(client, province, survey_round):
    content = paper_workbook([answer_row()]).getvalue()
    paper_import(round=survey_round, fileobj=io.BytesIO(content))
    with pytest.raises(PaperRepeated):
        paper_import(round=survey_round, fileobj=io.BytesIO(content))
    assert SealedSubmission.objects.count() == 1
    client.force_login(province.admin.user)
    upload = io.BytesIO(content)
    upload.name = "kertas.xlsx"
    preview = client.post(
        reverse("surveys:paper_start"), {"round": survey_round.pk, "file": upload}
    )
    assert 'data-testid="paper-repeated"' in preview.content.decode()
    token = preview.context["token"]
    refused = client.post(reverse("surveys:paper_confirm"), {"token": token}, follow=True)
    assert "sudah pernah diimpor" in refused.content.decode()
    assert SealedSubmission.objects.count() == 1
    upload.seek(0)
    preview = client.post(
        reverse("surveys:paper_start"), {"round": survey_round.pk, "file": upload}
    )
    token = preview.context["token"]
    done = client.post(
        reverse("surveys:paper_confirm"), {"token": token, "again": "1"}, follow=True
    )
    assert "1 jawaban kertas diimpor" in done.content.decode()
    assert SealedSubmission.objects.count() == 2


def test_the_command_refuses_a_repeated_file_unless_again(province, survey_round, tmp_path):
    path = tmp_path / "baik.xlsx"
    path.write_bytes(paper_workbook([answer_row()]).getvalue())
    call_command("import_responses", str(path), round=str(survey_round.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--again"):
        call_command("import_responses", str(path), round=str(survey_round.pk))
    call_command(
        "import_responses", str(path), round=str(survey_round.pk), again=True, stdout=io.StringIO()
    )
    assert SealedSubmission.objects.count() == 2
