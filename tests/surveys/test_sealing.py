"""Keys and seals: what the environment must give, rotation that loses nothing, tampering refused."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from berakhlak.keyring import KeyringError, key_new, keys_parse
from reports.models import IndexRun, RunStatus
from reports.services.compute import index_compute_now
from surveys import sealing, selectors
from surveys.models import (
    Draft,
    Participation,
    ReleaseStatus,
    Response,
    ResponseRelease,
    SealedSubmission,
)
from surveys.services import filling
from surveys.services.release import ReleaseRefused, responses_release
from tests.factories import EmployeeFactory
from tests.surveys.factories import (
    close_and_release,
    draft_of,
    full_answers,
    open_round,
    people_submit,
)

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parents[2]
OLD, NEW = keys_parse(key_new("old")), keys_parse(key_new("new"))


def _start(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SURVEY_KEYS", "SURVEY_KEYS_FILE"}}
    env.update({"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "localhost", **env_extra})
    env["DJANGO_SETTINGS_MODULE"] = "berakhlak.settings"
    code = "import django; django.setup(); print('started')"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_start_stops_without_a_key_and_says_how_to_make_one():
    result = _start({})
    assert result.returncode != 0
    assert "SURVEY_KEYS is not set" in result.stderr
    assert "python -m berakhlak.keyring new" in result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nocolon", "must look like <id>:<key>"),
        ("k1:dG9vLXNob3J0", "is not 32 bytes"),
        pytest.param(f"{key_new('a')},{key_new('a')}", "names key 'a' twice", id="twice"),
    ],
)
def test_production_start_stops_on_a_malformed_key(value, message):
    result = _start({"SURVEY_KEYS": value})
    assert result.returncode != 0 and message in result.stderr


def test_production_start_with_a_key_works():
    result = _start({"SURVEY_KEYS": key_new()})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_keys_are_never_printed_by_their_repr():
    (key,) = keys_parse(key_new("k1"))
    assert repr(key) == "SurveyKey(id='k1')"
    with pytest.raises(KeyringError):
        keys_parse("")


def test_a_blob_opens_only_for_its_own_row_and_purpose():
    key_id, blob = sealing.seal({"BP1": 4}, purpose="draft", context="row-1")
    assert b"BP1" not in blob
    assert sealing.unseal(blob, key_id=key_id, purpose="draft", context="row-1") == {"BP1": 4}
    for purpose, context in (("draft", "row-2"), ("submission", "row-1")):
        with pytest.raises(sealing.SealBroken, match="dipindah dari baris lain"):
            sealing.unseal(blob, key_id=key_id, purpose=purpose, context=context)
    with pytest.raises(sealing.SealBroken, match="tidak ada di SURVEY_KEYS"):
        sealing.unseal(blob, key_id="lost", purpose="draft", context="row-1")


def test_padding_hides_how_many_answers_a_draft_holds():
    _id, few = sealing.seal({"BP1": 1}, purpose="draft", context="a")
    _id, more = sealing.seal({f"Q{i}": 3 for i in range(12)}, purpose="draft", context="a")
    assert len(few) == len(more)


def _people_and_round(province, n=5):
    people = [EmployeeFactory(agency=province.agency_a) for _ in range(n)]
    return people, open_round(province)


def test_rotation_reseals_every_draft_and_waiting_submission_and_loses_nothing(province):
    with override_settings(SURVEY_KEYS=OLD):
        people, round = _people_and_round(province)
        survey = selectors.survey_for_round(round)
        for index, person in enumerate(people):
            participation = Participation.objects.get(round=round, employee=person)
            answers = full_answers(survey, scale_value=1 + index)
            filling.answers_save(participation=participation, answers=answers, survey=survey)
            if index:  # the first keeps a draft; the others wait sealed
                filling.survey_submit(participation=participation)
        draft = Draft.objects.get()
        assert draft.key_id == "old"
    with override_settings(SURVEY_KEYS=NEW + OLD):
        out = io.StringIO()
        call_command("survey_keys", "rotate", stdout=out)
        assert "surveys_draft: 1 re-sealed under new" in out.getvalue()
        assert "surveys_sealedsubmission: 4 re-sealed under new" in out.getvalue()
        call_command("survey_keys", "status", stdout=out)
    with override_settings(SURVEY_KEYS=NEW):  # the old key is gone: everything still opens
        assert set(Draft.objects.values_list("key_id", flat=True)) == {"new"}
        assert draft_of(draft.token)["BP1"] == 1
        assert len(SealedSubmission.objects.filter(key_id="new")) == 4
        participation = Participation.objects.get(round=round, employee=people[0])
        filling.survey_submit(participation=participation)
        close_and_release(round)
        assert sorted(Response.objects.values_list("answers__BP1", flat=True)) == [1, 2, 3, 4, 5]


def test_rotation_leaves_a_row_it_cannot_open_and_says_which(province):
    with override_settings(SURVEY_KEYS=OLD):
        people, round = _people_and_round(province, n=1)
        participation = Participation.objects.get(round=round, employee=people[0])
        filling.answers_save(participation=participation, answers={"BP1": 3})
    with override_settings(SURVEY_KEYS=NEW), pytest.raises(CommandError, match="surveys_draft"):
        call_command("survey_keys", "rotate", stdout=io.StringIO())
    assert Draft.objects.get().key_id == "old"  # untouched, opens again with the old key
    with override_settings(SURVEY_KEYS=OLD):
        assert draft_of(Draft.objects.get().token) == {"BP1": 3}


def test_a_draft_sealed_under_a_missing_key_is_shown_as_such_and_kept(client, province):
    with override_settings(SURVEY_KEYS=OLD):
        people, round = _people_and_round(province, n=1)
        participation = Participation.objects.get(round=round, employee=people[0])
        filling.answers_save(participation=participation, answers={"BP1": 3})
    client.force_login(people[0].user)
    with override_settings(SURVEY_KEYS=NEW):
        page = client.get(reverse("surveys:fill_page", args=[participation.pk, "nilai-bp"]))
        assert page.status_code == 503
        assert "tidak dapat dibuka" in page.content.decode()
        with pytest.raises(filling.FillRefused, match="Tidak ada yang hilang"):
            filling.answers_save(participation=participation, answers={"BP1": 4})
    assert Draft.objects.count() == 1


def test_a_tampered_sealed_submission_stops_the_release_with_a_reason_and_loses_nothing(
    client, province
):
    people, round = _people_and_round(province)
    people_submit(round, people)
    victim = SealedSubmission.objects.order_by("pk").first()
    original = {"sealed": bytes(victim.sealed), "summary": bytes(victim.summary)}
    altered = {name: blob[:-1] + bytes([blob[-1] ^ 1]) for name, blob in original.items()}
    SealedSubmission.objects.filter(pk=victim.pk).update(**altered)
    with pytest.raises(ReleaseRefused) as refused:
        close_and_release(round)
    assert str(victim.pk) in refused.value.reason and "diubah" in refused.value.reason
    assert SealedSubmission.objects.filter(round=round).count() == 5
    assert not Response.objects.exists()
    failed = ResponseRelease.objects.filter(round=round).first()
    assert failed.status == ReleaseStatus.FAILED and str(victim.pk) in failed.error
    client.force_login(province.admin.user)
    panel = client.get(
        reverse("surveys:round_survey_panel", args=[round.pk]), HTTP_HX_REQUEST="true"
    )
    html = panel.content.decode()
    assert 'data-testid="release-failed"' in html and str(victim.pk) in html
    # The index computation of the closed round says the same, and stops.
    run, _computed = index_compute_now(round=round)
    assert run.status == RunStatus.FAILED and "tidak dapat dibuka" in run.error
    # Restored (say, from a backup): the release goes through and nothing was lost.
    SealedSubmission.objects.filter(pk=victim.pk).update(**original)
    assert responses_release(round=round).status == ReleaseStatus.DONE
    assert Response.objects.filter(round=round).count() == 5
    assert IndexRun.objects.filter(round=round, status=RunStatus.FAILED).exists()
