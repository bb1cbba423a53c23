"""Opening a round: the confirm step says what will happen; the invitation e-mail goes out once,
through the outbox, also when the broker was down at the opening."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from berakhlak.mailing import CLAIM_LEASE
from evaluations.models import RoundStatus
from surveys.models import InvitationEmail, Participation, RoundInstrument
from surveys.services.invitations import invitations_send, invitations_send_unsent
from tests.celery_worker import _celery_app_using
from tests.evaluations.test_round_states import draft_round
from tests.surveys.factories import behaviour_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_round(province):
    round = draft_round(province)
    RoundInstrument.objects.create(round=round, instrument=behaviour_instrument())
    return round


def test_confirm_step_says_what_opening_does_and_opens_nothing(client, province, ready_round):
    province.asn_b.email = ""
    province.asn_b.save()
    client.force_login(province.admin.user)
    page = client.get(reverse("surveys:round_open", args=[ready_round.pk])).content.decode()
    assert "<strong>9</strong> pegawai aktif diundang" in page
    assert "Pohon unit (5 unit)" in page and "dibekukan" in page
    assert "Ke 8 pegawai yang memiliki alamat e-mail" in page
    ready_round.refresh_from_db()
    assert ready_round.status == RoundStatus.DRAFT and not Participation.objects.exists()


def test_opening_with_the_invitation_sends_it_once(
    client, province, ready_round, mailoutbox, django_capture_on_commit_callbacks
):
    province.asn_b.email = ""
    province.asn_b.save()
    client.force_login(province.admin.user)
    url = reverse("surveys:round_open", args=[ready_round.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kirim_undangan": "1"}, follow=True)
    assert "e-mail undangan sedang dikirim ke 8 pegawai" in response.content.decode()
    assert len(mailoutbox) == 8
    assert "Undangan mengisi survei" in mailoutbox[0].subject
    states = set(Participation.objects.values_list("invitation_email", flat=True))
    assert states == {InvitationEmail.SENT, InvitationEmail.NONE}
    ready_round.refresh_from_db()
    assert invitations_send(round=ready_round) == 0  # a second run finds every row claimed
    assert len(mailoutbox) == 8


def test_opening_without_the_option_sends_no_invitation(
    client, province, ready_round, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(province.admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:round_open", args=[ready_round.pk]))
    assert mailoutbox == []
    assert not Participation.objects.filter(invitation_email=InvitationEmail.DUE).exists()


def test_the_sweep_sends_invitations_the_broker_never_took(
    client, province, ready_round, mailoutbox, monkeypatch
):
    from surveys.services import rounds

    client.force_login(province.admin.user)
    monkeypatch.setattr(rounds, "job_enqueue", lambda *args, **kwargs: None)  # never sent
    client.post(reverse("surveys:round_open", args=[ready_round.pk]), {"kirim_undangan": "1"})
    assert mailoutbox == []
    later = timezone.now() + dt.timedelta(minutes=1)
    assert invitations_send_unsent(later) == 1  # eager in tests: the task runs and sends
    assert len(mailoutbox) == 9
    assert invitations_send_unsent(later) == 0


def test_reopening_confirms_without_the_invitation_option(client, province, ready_round):
    from evaluations.services import round_transition
    from surveys.services.rounds import round_open

    round_open(round=ready_round, by=province.admin.user)
    round_transition(round=ready_round, to=RoundStatus.CLOSED, by=province.admin.user)
    client.force_login(province.admin.user)
    page = client.get(reverse("surveys:round_open", args=[ready_round.pk])).content.decode()
    assert "Buka kembali putaran?" in page and "kirim_undangan" not in page


def test_the_sweep_leaves_a_running_send_alone(province, ready_round, monkeypatch):
    from django.core.cache import cache

    from surveys.services import invitations, rounds

    monkeypatch.setattr(rounds, "job_enqueue", lambda *args, **kwargs: None)
    rounds.round_open(round=ready_round, by=province.admin.user, send_invitations=True)
    later = timezone.now() + dt.timedelta(minutes=1)
    cache.set(invitations._alive_key(ready_round.pk), 1, 60)  # a worker is sending
    assert invitations_send_unsent(later) == 0
    cache.delete(invitations._alive_key(ready_round.pk))  # it died: the sweep takes over
    assert invitations_send_unsent(later) == 1


def _opened_with_invitations(client, province, ready_round):
    client.force_login(province.admin.user)
    url = reverse("surveys:round_open", args=[ready_round.pk])
    with _celery_app_using("redis://127.0.0.1:1/0", eager=False):  # the broker down: nothing sent
        client.post(url, {"kirim_undangan": "1"})
    ready_round.refresh_from_db()
    return ready_round


@pytest.mark.django_db(transaction=True)
def test_invitations_held_by_a_worker_that_died_go_out_once_its_claim_lapses(
    client, province, ready_round, mailoutbox
):
    round = _opened_with_invitations(client, province, ready_round)
    due = Participation.objects.filter(round=round, invitation_email=InvitationEmail.DUE)
    owed = due.count()
    assert owed and not mailoutbox
    # A worker claimed three and died before its chunk went out.
    dead = list(due.order_by("pk").values_list("pk", flat=True)[:3])
    Participation.objects.filter(pk__in=dead).update(invitation_claimed_at=timezone.now())
    assert invitations_send(round=round) == owed - 3  # the live claims are left alone
    assert len(mailoutbox) == owed - 3

    Participation.objects.filter(pk__in=dead).update(
        invitation_claimed_at=timezone.now() - CLAIM_LEASE - dt.timedelta(seconds=1)
    )
    later = timezone.now() + dt.timedelta(minutes=1)
    assert invitations_send_unsent(later) == 1  # eager again: sent now
    assert len(mailoutbox) == owed
    assert not due.exists() and invitations_send_unsent(later) == 0


def test_a_failed_send_gives_back_its_claims(client, province, ready_round, monkeypatch):
    round = _opened_with_invitations(client, province, ready_round)

    def refused(self, messages):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    with pytest.raises(OSError):
        invitations_send(round=round)
    rows = Participation.objects.filter(round=round, invitation_email=InvitationEmail.DUE)
    assert rows.exists() and not rows.filter(invitation_claimed_at__isnull=False).exists()


def test_a_chunk_is_always_sent_before_its_claims_lapse(settings):
    from surveys.services.invitations import SEND_CHUNK

    assert CLAIM_LEASE.total_seconds() > SEND_CHUNK * settings.EMAIL_TIMEOUT
