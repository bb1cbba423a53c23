"""LKE e-mails go through Redis to a real Celery worker process, as in production."""

from __future__ import annotations

import time

import pytest

from evaluations.models import AssessmentEvent, AssessmentStatus
from tests.evaluations.lke_factories import first, lke_round, submitted_with_evidence

pytestmark = pytest.mark.django_db(transaction=True)
WAIT_SECONDS = 60


def test_submit_mails_the_evaluator_from_the_worker(celery_worker_process, province):
    setup = lke_round(province)
    # Autocommit: the transaction.on_commit hook enqueues lke_notify at once.
    assessment = submitted_with_evidence(first(setup.ra_a), province.agent_a.user)
    assert assessment.status == AssessmentStatus.SUBMITTED
    event = AssessmentEvent.objects.get(assessment=assessment, to_status=AssessmentStatus.SUBMITTED)

    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        event.refresh_from_db()
        files = sorted(celery_worker_process.mail_dir.glob("*.log"))
        # The file backend creates the file before it writes the message: wait for the text.
        text = "\n".join(f.read_text(errors="replace") for f in files)
        if event.notified_at is not None and "[LKE]" in text:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"no e-mail from the worker after {WAIT_SECONDS} s")
        time.sleep(0.2)
    # (Bcc recipients are not written to the file; the eager tests check them.)
    assert f"[LKE] {setup.ra_a.name}" in text
    assert assessment.criterion.code in text
