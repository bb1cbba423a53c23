"""The round's state machine: guards, the snapshot taken on opening, invitations, editing rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from berakhlak.refusals import Refused
from evaluations.models import Round, RoundAgency, RoundStatus
from evaluations.services import round_create, round_transition, round_update
from surveys.models import Instrument, Participation, RoundInstrument
from surveys.services.rounds import round_instruments_set, round_open, round_open_problems
from tests.factories import EmployeeFactory
from tests.surveys.factories import behaviour_instrument, engagement_instrument

pytestmark = pytest.mark.django_db


def draft_round(province, **overrides) -> Round:
    today = timezone.localdate()
    fields = {
        "name": "Evaluasi Uji",
        "year": today.year,
        "survey_opens_on": today,
        "survey_closes_on": today + dt.timedelta(days=30),
        "evidence_opens_on": today,
        "evidence_closes_on": today + dt.timedelta(days=30),
        "review_opens_on": today + dt.timedelta(days=5),
        "review_closes_on": today + dt.timedelta(days=40),
    }
    fields.update(overrides)
    return round_create(root=province.root, by=province.admin.user, **fields)


def test_round_starts_as_draft_with_design_defaults(province):
    round = draft_round(province)
    assert round.status == RoundStatus.DRAFT
    assert (round.weight_survey, round.weight_lke) == (60, 40)
    assert (round.band_a_min, round.band_b_min, round.band_c_min) == (75, 50, 25)
    assert (round.min_group, round.min_comment_group) == (5, 10)


def test_inconsistent_dates_are_refused_with_a_reason(province):
    today = timezone.localdate()
    with pytest.raises(Refused) as error:
        draft_round(province, survey_closes_on=today - dt.timedelta(days=1))
    assert "Survei ditutup sebelum dibuka." in error.value.messages
    assert not Round.objects.exists()


def test_weights_must_sum_to_100_and_min_group_at_least_3(province):
    with pytest.raises(Refused) as error:
        draft_round(province, weight_survey=70, weight_lke=40, min_group=2)
    assert any("berjumlah 100" in m for m in error.value.messages)
    assert any("di bawah 3" in m for m in error.value.messages)


def test_cannot_open_without_an_instrument(province):
    round = draft_round(province)
    assert any("instrumen" in p for p in round_open_problems(round))
    with pytest.raises(ValidationError):
        round_open(round=round, by=province.admin.user)
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAFT
    assert not Participation.objects.exists()


def test_cannot_open_with_only_an_engagement_instrument(province):
    round = draft_round(province)
    round_instruments_set(round=round, instruments=[engagement_instrument()])
    assert any("perilaku" in p for p in round_open_problems(round))


def test_cannot_open_when_dates_became_inconsistent(province):
    round = draft_round(province)
    round_instruments_set(round=round, instruments=[behaviour_instrument()])
    Round.objects.filter(pk=round.pk).update(
        review_opens_on=round.evidence_opens_on - dt.timedelta(days=1)
    )
    round.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        round_open(round=round, by=province.admin.user)
    assert any("Penilaian bukti" in m for m in error.value.messages)


def test_opening_snapshots_tree_freezes_instruments_and_invites_active_roster(province):
    inactive = EmployeeFactory(agency=province.agency_a, active=False)
    round = draft_round(province)
    instrument = behaviour_instrument()
    round_instruments_set(round=round, instruments=[instrument])
    round_open(round=round, by=province.admin.user)

    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN and round.opened_at is not None
    instrument.refresh_from_db()
    assert instrument.is_frozen
    codes = set(RoundAgency.objects.filter(round=round).values_list("code", flat=True))
    assert codes == {"PROV", "DINKES", "UPTD-LAB", "DISDIK", "BIRO-ORG"}
    dinkes = RoundAgency.objects.get(round=round, code="DINKES")
    assert dinkes.roster_count == 3  # leader, agent and ASN; the inactive one is not counted
    invited = set(Participation.objects.filter(round=round).values_list("employee_id", flat=True))
    assert province.asn_a.pk in invited and province.asn_unit.pk in invited
    assert inactive.pk not in invited


def test_later_changes_to_the_live_tree_do_not_touch_the_snapshot(province):
    round = draft_round(province)
    round_instruments_set(round=round, instruments=[behaviour_instrument()])
    round_open(round=round, by=province.admin.user)
    province.agency_a.name = "Dinas Kesehatan (baru)"
    province.agency_a.save()
    EmployeeFactory(agency=province.agency_a)
    snapshot = RoundAgency.objects.get(round=round, code="DINKES")
    assert snapshot.name == "Dinas Kesehatan"
    assert snapshot.roster_count == 3


@pytest.mark.parametrize(
    "start,to",
    [
        (RoundStatus.DRAFT, RoundStatus.CLOSED),
        (RoundStatus.DRAFT, RoundStatus.PUBLISHED),
        (RoundStatus.OPEN, RoundStatus.PUBLISHED),
        (RoundStatus.OPEN, RoundStatus.ARCHIVED),
        (RoundStatus.CLOSED, RoundStatus.PUBLISHED),
        (RoundStatus.ARCHIVED, RoundStatus.OPEN),
    ],
)
def test_transitions_outside_the_state_machine_are_refused(province, start, to):
    round = draft_round(province)
    Round.objects.filter(pk=round.pk).update(status=start)
    round.refresh_from_db()
    with pytest.raises(Refused) as error:
        round_transition(round=round, to=to, by=province.admin.user)
    assert "tidak dapat diubah menjadi" in error.value.messages[0]
    round.refresh_from_db()
    assert round.status == start


def test_close_and_reopen_keep_snapshot_and_invitations(province):
    round = draft_round(province)
    round_instruments_set(round=round, instruments=[behaviour_instrument()])
    round_open(round=round, by=province.admin.user)
    invited = Participation.objects.filter(round=round).count()
    agencies = RoundAgency.objects.filter(round=round).count()
    round_transition(round=round, to=RoundStatus.CLOSED, by=province.admin.user)
    round.refresh_from_db()
    assert round.closed_at is not None
    EmployeeFactory(agency=province.agency_b)
    round_open(round=round, by=province.admin.user)
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN
    assert Participation.objects.filter(round=round).count() == invited
    assert RoundAgency.objects.filter(round=round).count() == agencies


def test_opening_twice_is_refused_and_duplicates_nothing(province):
    round = draft_round(province)
    round_instruments_set(round=round, instruments=[behaviour_instrument()])
    round_open(round=round, by=province.admin.user)
    invited = Participation.objects.filter(round=round).count()
    with pytest.raises(ValidationError):
        round_open(round=round, by=province.admin.user)
    assert Participation.objects.filter(round=round).count() == invited


def test_settings_and_instruments_are_frozen_once_open(province):
    round = draft_round(province)
    instrument = behaviour_instrument()
    round_instruments_set(round=round, instruments=[instrument])
    round_open(round=round, by=province.admin.user)
    with pytest.raises(Refused):
        round_update(round=round, by=province.admin.user, name="Nama lain")
    with pytest.raises(ValidationError):
        round_instruments_set(round=round, instruments=[instrument, engagement_instrument()])
    assert RoundInstrument.objects.filter(round=round).count() == 1
    assert Instrument.objects.get(pk=instrument.pk).frozen_at is not None


def test_one_instrument_per_kind(province):
    round = draft_round(province)
    with pytest.raises(ValidationError):
        round_instruments_set(
            round=round, instruments=[behaviour_instrument(), behaviour_instrument()]
        )
