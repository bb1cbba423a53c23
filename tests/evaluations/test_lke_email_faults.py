"""A worker SIGKILLed while it sends an LKE e-mail (claimed, the mail server not yet done): after
the claim lapses, a new worker and one sweep send it, once (real worker processes; README
"Keandalan", berakhlak.mailing)."""

from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
from django.utils import timezone

from berakhlak.jobs import jobs_sweep
from berakhlak.mailing import CLAIM_LEASE
from evaluations.models import AssessmentEvent, AssessmentStatus
from tests.celery_worker import worker_kill
from tests.evaluations.lke_factories import first, lke_round, submitted_with_evidence
from tests.faults import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


class SilentMailServer:
    """Accepts connections and never says a word: a sender waits for its greeting."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connected = threading.Event()
        self.clients: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with self.server:
            while True:
                try:
                    client, _address = self.server.accept()
                except OSError:
                    return
                self.clients.append(client)
                self.connected.set()

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.server.close()


def _mails(directory) -> list[str]:
    return [p.read_text(errors="replace") for p in sorted(directory.glob("*.log"))]


def test_an_email_whose_worker_died_while_sending_is_sent_once(
    spare_celery_worker, province, tmp_path
):
    setup = lke_round(province)
    silent = SilentMailServer()
    try:
        worker = spare_celery_worker(wait=False, env={"BERAKHLAK_TEST_SMTP_PORT": str(silent.port)})
        assessment = submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
        event = AssessmentEvent.objects.get(
            assessment=assessment, to_status=AssessmentStatus.SUBMITTED
        )
        assert silent.connected.wait(60), "the worker never reached the mail server"
        event.refresh_from_db()
        assert event.mail_claimed_at is not None and event.notified_at is None
        worker_kill(worker)
    finally:
        silent.close()

    # The claim of the dead worker holds until it lapses (a live one could still be sending).
    assert jobs_sweep(now=timezone.now())["evaluations.lke_emails"] == 0
    AssessmentEvent.objects.filter(pk=event.pk).update(
        mail_claimed_at=timezone.now() - CLAIM_LEASE - dt.timedelta(seconds=1)
    )
    spare_celery_worker(wait=False)  # writes its mail to files in tmp_path / "mail"
    later = timezone.now() + dt.timedelta(seconds=30)
    assert jobs_sweep(now=later)["evaluations.lke_emails"] == 1
    mail_dir = tmp_path / "mail"
    wait_for(
        lambda: (
            AssessmentEvent.objects.get(pk=event.pk).notified_at is not None
            and any("[LKE]" in text for text in _mails(mail_dir))
        ),
        what="for the e-mail of the new worker",
    )
    assert jobs_sweep(now=later)["evaluations.lke_emails"] == 0
    assert len([t for t in _mails(mail_dir) if "[LKE]" in t]) == 1
