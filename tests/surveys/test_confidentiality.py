"""Nothing links a person to a response (docs/ARCHITECTURE.md §5): schema, rows, logs, admin, pages."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib import admin
from django.db import connection, models
from django.urls import reverse

from surveys import selectors
from surveys.models import Draft, Participation, ParticipationStatus, SealedSubmission
from surveys.services import filling
from tests.factories import EmployeeFactory
from tests.surveys.factories import close_and_release, full_answers, open_round

pytestmark = pytest.mark.django_db

FORBIDDEN_MODELS = {
    ("berakhlak", "user"),
    ("berakhlak", "employee"),
    ("surveys", "participation"),
    ("surveys", "draft"),
}
FORBIDDEN_TABLES = {
    "berakhlak_user",
    "berakhlak_employee",
    "surveys_participation",
    "surveys_draft",
}
ALLOWED_TABLES = {"evaluations_round", "evaluations_roundagency"}
SUSPECT_NAME_PARTS = (
    "token",
    "user",
    "employee",
    "participation",
    "draft",
    "nip",
    "name",
    "created",
    "updated",
    "submitted",
    "time",
    "date",
    "_at",
    "_on",
)


def test_response_model_has_no_link_to_a_person_and_no_timestamp():
    Response = apps.get_model("surveys", "Response")
    for field in Response._meta.get_fields():
        related = field.related_model
        if related is not None:
            key = (related._meta.app_label, related._meta.model_name)
            assert key not in FORBIDDEN_MODELS, f"{field.name} references {key}"
            assert key in {("evaluations", "round"), ("evaluations", "roundagency")}, field.name
        assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField), (
            field.name
        )
        if isinstance(field, models.UUIDField):
            assert field.primary_key, f"{field.name} looks like a token"
        assert not any(
            part in field.name for part in ("token", "user", "employee", "participation", "draft")
        )


def test_response_table_has_no_link_to_a_person_and_no_timestamp():
    table = apps.get_model("surveys", "Response")._meta.db_table
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, table)
        relations = connection.introspection.get_relations(cursor, table)
    for column in columns:
        name = column.name.lower()
        assert not any(part in name for part in SUSPECT_NAME_PARTS), f"column {name}"
        field_type = connection.introspection.get_field_type(column.type_code, column)
        assert "Date" not in field_type and "Time" not in field_type, (
            f"column {name} is {field_type}"
        )
    for column, (_other_column, other_table) in relations.items():
        assert other_table not in FORBIDDEN_TABLES, f"{column} -> {other_table}"
        assert other_table in ALLOWED_TABLES, f"{column} -> {other_table}"


def test_survey_models_have_no_admin_page_or_audit_log():
    for name in ("Response", "Draft", "SealedSubmission", "ReleaseCorrection"):
        model = apps.get_model("surveys", name)
        assert not admin.site.is_registered(model), name
    for name in ("Response", "Draft", "Participation", "SealedSubmission", "ReleaseCorrection"):
        assert not auditlog.contains(apps.get_model("surveys", name)), name


def test_after_submit_nothing_in_the_rows_identifies_anyone(province, caplog):
    people = [province.asn_a, province.asn_unit, province.asn_b] + [
        EmployeeFactory(agency=province.agency_a) for _ in range(5)
    ]
    round = open_round(province)
    survey = selectors.survey_for_round(round)
    submit_order = []
    caplog.set_level(logging.DEBUG)
    for n, person in enumerate(people):
        participation = Participation.objects.select_related("round").get(
            round=round, employee=person
        )
        filling.answers_save(
            participation=participation, answers=full_answers(survey, scale_value=1 + n % 6)
        )
        token = str(participation.draft_token)
        filling.survey_submit(participation=participation)
        submit_order.append(SealedSubmission.objects.exclude(pk__in=submit_order).get().pk)
        for record in caplog.records:
            message = record.getMessage()
            assert person.nip not in message and token not in message
    Response = apps.get_model("surveys", "Response")
    assert not Response.objects.filter(round=round).exists()  # sealed until the release
    close_and_release(round)
    assert not SealedSubmission.objects.filter(round=round).exists()
    submitted = Participation.objects.filter(round=round, status=ParticipationStatus.SUBMITTED)
    assert submitted.count() == len(people)
    assert not submitted.exclude(draft_token=None).exists()
    assert not Draft.objects.filter(round=round).exists()
    rows = list(Response.objects.filter(round=round).values())
    assert len(rows) == len(people)
    question_keys = {q.key for q in survey.questions}
    for row in rows:
        assert set(row["answers"]) <= question_keys
        blob = json.dumps(row, default=str)
        for person in people:
            assert person.nip not in blob
            assert person.name not in blob
            assert person.user.username not in blob
            assert f'"user_id": {person.user_id}' not in blob
        assert isinstance(row["id"], uuid.UUID) and row["id"].version == 4
    by_pk = set(Response.objects.filter(round=round).values_list("pk", flat=True))
    assert not by_pk & set(submit_order), "a response keeps no id of its sealed submission"


@pytest.mark.parametrize("who", ["leader_a", "admin", "evaluator"])
def test_leader_admin_and_evaluator_cannot_reach_anyones_answers(client, province, who):
    round = open_round(province)
    participation = Participation.objects.get(round=round, employee=province.asn_a)
    filling.answers_save(participation=participation, answers={"BP1": 2, "BP2": 6})
    client.force_login(getattr(province, who).user)
    for name, args in [
        ("surveys:fill_intro", [participation.pk]),
        ("surveys:fill_resume", [participation.pk]),
        ("surveys:fill_page", [participation.pk, "nilai-bp"]),
        ("surveys:fill_review", [participation.pk]),
        ("surveys:fill_receipt", [participation.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    own = client.get(reverse("surveys:my_surveys")).content.decode()
    assert f"/survei/{participation.pk}/" not in own
