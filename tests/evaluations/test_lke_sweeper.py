"""Evidence files no row knows (rolled-back uploads, or evidence newer than a restored dump) go to a
quarantine kept 30 days and shown to the admin; files of rows and fresh files are kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from berakhlak.quarantine import quarantine_summary
from evaluations.lke import services
from evaluations.lke.sweeper import evidence_orphans_quarantine
from evaluations.models import Evidence
from evaluations.tasks import evidence_orphans_sweep
from tests.evaluations.lke_factories import PDF, first, lke_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # other tests' files (rows rolled back) are not ours to sweep


def test_a_rolled_back_upload_leaves_a_file_that_the_sweeper_quarantines(province):
    setup = lke_round(province)
    assessment = first(setup.ra_a)
    kept = services.evidence_add(
        assessment=assessment,
        by=province.agent_a.user,
        fileobj=io.BytesIO(PDF),
        name="sk.pdf",
        description="SK",
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = services.evidence_add(
            assessment=assessment,
            by=province.agent_a.user,
            fileobj=io.BytesIO(PDF),
            name="rencana.pdf",
            description="Rencana aksi",
        )
        raise RuntimeError("the request failed after the file was written")
    assert not Evidence.objects.filter(file=lost.file.name).exists()
    assert default_storage.exists(lost.file.name)

    # Within the grace period nothing is touched (an upload may still be in flight).
    assert evidence_orphans_quarantine() == []
    later = timezone.now() + dt.timedelta(days=1)
    assert evidence_orphans_quarantine(now=later) == [lost.file.name]
    assert not default_storage.exists(lost.file.name)
    day = timezone.localdate(later).isoformat()
    assert default_storage.open(f"quarantine/{day}/{lost.file.name}").read() == PDF
    assert default_storage.exists(kept.file.name)
    assert quarantine_summary() == {"files": 1, "oldest": day}


def test_the_task_runs_with_no_evidence_directory():
    assert evidence_orphans_sweep() == 0


def test_a_stray_file_is_quarantined_then_purged_after_30_days(province):
    name = default_storage.save("evidence/ab/stray.pdf", ContentFile(PDF))
    assert evidence_orphans_quarantine(now=timezone.now() + dt.timedelta(days=1)) == [name]
    assert quarantine_summary()["files"] == 1
    # The quarantine is not evidence: the next sweeps leave it alone until its 30 days are over.
    assert evidence_orphans_quarantine(now=timezone.now() + dt.timedelta(days=30)) == []
    assert quarantine_summary()["files"] == 1
    evidence_orphans_quarantine(now=timezone.now() + dt.timedelta(days=32))
    assert quarantine_summary() == {"files": 0, "oldest": None}


def test_evidence_newer_than_a_restored_dump_is_never_deleted(province):
    """An older dump restored over newer files: the newer evidence has no row, and survives."""
    setup = lke_round(province)
    evidence = services.evidence_add(
        assessment=first(setup.ra_a),
        by=province.agent_a.user,
        fileobj=io.BytesIO(PDF),
        name="baru.pdf",
        description="diunggah setelah cadangan",
    )
    Evidence.objects.filter(pk=evidence.pk).delete()  # the restored database never had it
    later = timezone.now() + dt.timedelta(days=2)
    assert evidence_orphans_quarantine(now=later) == [evidence.file.name]
    moved = f"quarantine/{timezone.localdate(later).isoformat()}/{evidence.file.name}"
    assert default_storage.open(moved).read() == PDF


def test_the_admin_home_page_says_what_waits_in_quarantine(client, province):
    from django.urls import reverse

    default_storage.save("evidence/cd/unknown.pdf", ContentFile(PDF))
    evidence_orphans_quarantine(now=timezone.now() + dt.timedelta(days=1))
    client.force_login(province.admin.user)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="quarantine-notice"' in page and "1 berkas bukti" in page
    client.force_login(province.agent_a.user)
    assert "quarantine-notice" not in client.get(reverse("home")).content.decode()
