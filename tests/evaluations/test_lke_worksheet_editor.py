"""The admin's LKE worksheet editor: components, criteria, order, weights, Excel, evaluators."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from berakhlak.models import Role
from berakhlak.refusals import Refused
from evaluations.lke import assignments, opening
from evaluations.lke import worksheet_edit as edit
from evaluations.lke.selectors import worksheet_problems
from evaluations.lke.worksheet_excel import (
    COLUMNS,
    WorksheetImportError,
    worksheet_export_bytes,
    worksheet_import,
)
from evaluations.models import Criterion, EvaluatorAssignment, Worksheet
from tests.evaluations.lke_factories import lke_round
from tests.evaluations.test_round_states import draft_round
from tests.factories import EmployeeFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def worksheet(province):
    round = draft_round(province)
    return opening.worksheet_create_default(round=round, by=province.admin.user)


def criterion_data(**overrides) -> dict:
    data = {
        "code": "8.1",
        "question": "Instansi menerbitkan buletin budaya kerja.",
        "guidance": "Ya bila terbit paling sedikit dua kali setahun.",
        "evidence_asked": "Dua edisi buletin.",
        "evidence_required": True,
        "answer_kind": "YA_TIDAK",
        "weight": Decimal("2.5"),
    }
    data.update(overrides)
    return data


def codes(worksheet: Worksheet) -> list[tuple[int, str]]:
    return [
        (c.component.order, c.code)
        for c in Criterion.objects.filter(component__worksheet=worksheet).select_related(
            "component"
        )
    ]


def test_components_and_criteria_are_added_moved_and_deleted_without_gaps(worksheet):
    component = edit.component_add(worksheet=worksheet, name="Inovasi budaya kerja")
    assert component.order == 8
    first = edit.criterion_add(component=component, **criterion_data())
    second = edit.criterion_add(component=component, **criterion_data(code="8.2"))
    assert (first.order, second.order) == (1, 2)

    edit.criterion_move(criterion=second, step=-1)
    assert [c.code for c in component.criteria.order_by("order")] == ["8.2", "8.1"]
    edit.component_move(component=component, step=-1)
    orders = dict(worksheet.components.values_list("name", "order"))
    assert orders["Inovasi budaya kerja"] == 7 and orders["Penguatan berkelanjutan"] == 8

    edit.criterion_delete(criterion=Criterion.objects.get(code="8.2", component=component))
    assert list(component.criteria.values_list("code", "order")) == [("8.1", 1)]
    edit.component_delete(component=worksheet.components.get(order=1))
    assert list(worksheet.components.order_by("order").values_list("order", flat=True)) == list(
        range(1, 8)
    )


def test_a_criterion_moves_to_another_component_at_its_end(worksheet):
    target = worksheet.components.get(order=2)
    criterion = Criterion.objects.get(component__worksheet=worksheet, code="1.1")
    edit.criterion_update(criterion=criterion, component=target, **criterion_data(code="1.1"))
    criterion.refresh_from_db()
    assert criterion.component == target
    assert criterion.order == target.criteria.count()
    assert list(
        worksheet.components.get(order=1).criteria.order_by("order").values_list("order", flat=True)
    ) == [1, 2]


def test_codes_are_unique_within_a_worksheet(worksheet):
    component = worksheet.components.get(order=1)
    with pytest.raises(ValidationError) as error:
        edit.criterion_add(component=component, **criterion_data(code="2.1"))
    assert "2.1" in str(error.value)


def test_weights_must_total_100_before_freezing(worksheet):
    component = worksheet.components.get(order=1)
    edit.criterion_add(component=component, **criterion_data())
    assert "102,50" in " ".join(worksheet_problems(worksheet))
    with pytest.raises(Refused):
        opening.worksheet_freeze(worksheet=worksheet)
    assert opening.worksheet_ready(worksheet.round) is None


def test_a_frozen_worksheet_refuses_every_edit(worksheet):
    opening.worksheet_freeze(worksheet=worksheet)
    worksheet.refresh_from_db()
    component = worksheet.components.get(order=1)
    criterion = component.criteria.first()
    attempts = [
        lambda: edit.component_add(worksheet=worksheet, name="X"),
        lambda: edit.component_update(component=component, name="X"),
        lambda: edit.component_move(component=component, step=1),
        lambda: edit.component_delete(component=component),
        lambda: edit.criterion_add(component=component, **criterion_data()),
        lambda: edit.criterion_update(criterion=criterion, **criterion_data(code="1.1")),
        lambda: edit.criterion_move(criterion=criterion, step=1),
        lambda: edit.criterion_delete(criterion=criterion),
    ]
    for attempt in attempts:
        with pytest.raises(Refused, match="dibekukan"):
            attempt()


def test_the_worksheet_of_an_open_evidence_window_is_frozen(province):
    setup = lke_round(province)
    worksheet = setup.round.worksheet
    with pytest.raises(Refused, match="dibekukan"):
        edit.component_add(worksheet=worksheet, name="Terlambat")


# --- Excel ---------------------------------------------------------------------------------------


def test_export_then_import_gives_the_same_worksheet(worksheet, province):
    data = worksheet_export_bytes(worksheet)
    before = [
        (c.component.name, c.code, c.question, c.answer_kind, c.weight, c.evidence_required)
        for c in Criterion.objects.filter(component__worksheet=worksheet).select_related(
            "component"
        )
    ]
    other = opening.worksheet_create_default(
        round=draft_round(province, name="Putaran lain"), by=province.admin.user
    )
    edit.component_delete(component=other.components.get(order=1))
    counts = worksheet_import(worksheet=other, fileobj=io.BytesIO(data))
    after = [
        (c.component.name, c.code, c.question, c.answer_kind, c.weight, c.evidence_required)
        for c in Criterion.objects.filter(component__worksheet=other).select_related("component")
    ]
    assert after == before
    assert counts == {"components": 7, "criteria": len(before)}


def workbook_bytes(rows: list[list], header=COLUMNS) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kriteria"
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def row(code="1.1", kind="YA_TIDAK", weight=50, component="Agenda", required="ya"):
    return [component, "", code, f"Pertanyaan {code}", "", "SK", required, kind, weight]


def test_a_valid_workbook_replaces_the_worksheet(worksheet):
    file = workbook_bytes(
        [row("A.1", "ya/tidak", 40), row("A.2", "A_E", 35.5), row("B.1", "PERCENT", 24.5, "Lain")]
    )
    assert worksheet_import(worksheet=worksheet, fileobj=file) == {"components": 2, "criteria": 3}
    assert codes(worksheet) == [(1, "A.1"), (1, "A.2"), (2, "B.1")]
    assert worksheet_problems(worksheet) == []


def test_a_bad_workbook_changes_nothing_and_names_every_row_and_column(worksheet):
    before = codes(worksheet)
    file = workbook_bytes(
        [
            row("A.1", "MAYBE", 50),
            row("A.1", "ABC", 0),
            row("", "ABC", 30, required="kadang"),
        ]
    )
    with pytest.raises(WorksheetImportError) as error:
        worksheet_import(worksheet=worksheet, fileobj=file)
    found = {(p.row, p.column) for p in error.value.problems}
    assert {
        (2, "jenis_jawaban"),
        (3, "kode"),
        (3, "bobot"),
        (4, "kode"),
        (4, "bukti_wajib"),
    } <= found
    assert codes(worksheet) == before


def test_weights_of_an_imported_workbook_must_total_100(worksheet):
    with pytest.raises(WorksheetImportError) as error:
        worksheet_import(worksheet=worksheet, fileobj=workbook_bytes([row("A.1", weight=60)]))
    assert "60,00" in str(error.value)


def test_a_missing_column_is_reported(worksheet):
    file = workbook_bytes([["Agenda", "A.1"]], header=("komponen", "kode"))
    with pytest.raises(WorksheetImportError) as error:
        worksheet_import(worksheet=worksheet, fileobj=file)
    assert "bobot" in {p.column for p in error.value.problems}


def test_export_writes_formula_looking_text_as_text(worksheet):
    criterion = Criterion.objects.filter(component__worksheet=worksheet).first()
    Criterion.objects.filter(pk=criterion.pk).update(question='=HYPERLINK("http://x")')
    sheet = load_workbook(io.BytesIO(worksheet_export_bytes(worksheet)))["Kriteria"]
    cell = sheet.cell(row=2, column=4)
    assert cell.data_type == "s"  # stored as text: Excel shows it, never runs it


# --- views ---------------------------------------------------------------------------------------


def test_only_the_admin_reaches_the_editor(client, province, worksheet):
    round = worksheet.round
    component = worksheet.components.get(order=1)
    urls = [
        reverse("evaluations:lke_component_add", args=[round.pk]),
        reverse("evaluations:lke_criterion_add", args=[round.pk]),
        reverse("evaluations:lke_component_edit", args=[round.pk, component.pk]),
        reverse("evaluations:lke_worksheet_export", args=[round.pk]),
    ]
    for person in (province.leader_a, province.agent_a, province.evaluator, province.asn_a):
        client.force_login(person.user)
        for url in urls:
            assert client.get(url).status_code == 404, (person.name, url)
    client.force_login(province.admin.user)
    for url in urls:
        assert client.get(url).status_code == 200


def test_the_criterion_form_keeps_what_was_typed_on_error(client, province, worksheet):
    round = worksheet.round
    client.force_login(province.admin.user)
    component = worksheet.components.get(order=3)
    response = client.post(
        reverse("evaluations:lke_criterion_add", args=[round.pk]),
        {
            "component": component.pk,
            "code": "1.1",
            "question": "Pertanyaan yang diketik panjang",
            "answer_kind": "ABC",
            "weight": "3",
            "evidence_required": "on",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "sudah dipakai" in body
    assert "Pertanyaan yang diketik panjang" in body
    response = client.post(
        reverse("evaluations:lke_criterion_add", args=[round.pk]),
        {
            "component": component.pk,
            "code": "3.9",
            "question": "Pertanyaan baru",
            "answer_kind": "ABC",
            "weight": "3",
        },
    )
    assert response.status_code == 302
    added = Criterion.objects.get(component=component, code="3.9")
    assert added.evidence_required is False and added.weight == 3


def test_a_refused_import_on_a_round_without_worksheet_leaves_none(client, province):
    round = draft_round(province)
    client.force_login(province.admin.user)
    file = workbook_bytes([row("A.1", weight=10)])
    file.name = "lke.xlsx"
    response = client.post(
        reverse("evaluations:lke_worksheet_upload", args=[round.pk]), {"file": file}
    )
    assert response.status_code == 400
    assert "Impor ditolak" in response.content.decode()
    assert not Worksheet.objects.filter(round=round).exists()


def test_the_page_shows_edit_controls_only_while_editable(client, province, worksheet):
    client.force_login(province.admin.user)
    url = reverse("evaluations:lke_worksheet", args=[worksheet.round.pk])
    assert "Tambah kriteria" in client.get(url).content.decode()
    opening.worksheet_freeze(worksheet=worksheet)
    body = client.get(url).content.decode()
    assert "Tambah kriteria" not in body and "Unduh LKE" in body


# --- evaluators one by one -----------------------------------------------------------------------


def test_only_evaluators_whose_role_covers_the_agency_can_be_assigned(province):
    setup = lke_round(province, assign=False)
    other = EmployeeFactory(agency=province.biro, name="Evaluator Disdik")
    grant(other.user, Role.EVALUATOR, province.agency_b)
    assert list(assignments.evaluators_for(setup.ra_a)) == [province.evaluator.user]
    assignments.evaluator_assign(round_agency=setup.ra_a, evaluator=province.evaluator.user)
    with pytest.raises(Refused):
        assignments.evaluator_assign(round_agency=setup.ra_a, evaluator=other.user)
    assert EvaluatorAssignment.objects.filter(round_agency=setup.ra_a).count() == 1


def test_admin_assigns_and_removes_one_evaluator_in_the_page(client, province):
    setup = lke_round(province, assign=False)
    client.force_login(province.admin.user)
    page = reverse("evaluations:lke_worksheet", args=[setup.round.pk])
    assert "Evaluator Biro" in client.get(page).content.decode()  # offered in the select
    client.post(
        reverse("evaluations:lke_evaluator_add", args=[setup.ra_a.pk]),
        {"evaluator": province.evaluator.user.pk},
    )
    assert EvaluatorAssignment.objects.filter(round_agency=setup.ra_a).exists()
    client.post(
        reverse(
            "evaluations:lke_evaluator_remove", args=[setup.ra_a.pk, province.evaluator.user.pk]
        )
    )
    assert not EvaluatorAssignment.objects.filter(round_agency=setup.ra_a).exists()


def test_nobody_else_can_assign_evaluators(client, province):
    setup = lke_round(province, assign=False)
    for person in (province.leader_a, province.agent_a, province.evaluator):
        client.force_login(person.user)
        response = client.post(
            reverse("evaluations:lke_evaluator_add", args=[setup.ra_a.pk]),
            {"evaluator": province.evaluator.user.pk},
        )
        assert response.status_code == 404
    assert not EvaluatorAssignment.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_with_a_reason(client, province, worksheet):
    before = codes(worksheet)
    client.force_login(province.admin.user)
    bad = io.BytesIO(b"kode,bobot\n1.1,100\n")
    bad.name = "lke.xlsx"
    response = client.post(
        reverse("evaluations:lke_worksheet_upload", args=[worksheet.round.pk]), {"file": bad}
    )
    assert response.status_code == 400
    assert 'class="invalid-feedback d-block"' in response.content.decode()
    assert codes(worksheet) == before


def test_a_workbook_over_the_import_cap_is_refused_unread(client, province, worksheet, settings):
    before = codes(worksheet)
    file = workbook_bytes([row("A.1", weight=100)])
    file.name = "lke.xlsx"
    settings.ROSTER_IMPORT_MAX_BYTES = len(file.getvalue()) - 1
    client.force_login(province.admin.user)
    response = client.post(
        reverse("evaluations:lke_worksheet_upload", args=[worksheet.round.pk]), {"file": file}
    )
    assert response.status_code == 400
    assert "Berkas terlalu besar (maksimal" in response.content.decode()
    assert codes(worksheet) == before
