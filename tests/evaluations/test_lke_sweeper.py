"""Evidence files of rolled-back uploads are swept; files of rows and fresh files are kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from evaluations.lke import services
from evaluations.lke.sweeper import evidence_orphans_delete
from evaluations.models import Evidence
from evaluations.tasks import evidence_orphans_sweep
from tests.evaluations.lke_factories import PDF, first, lke_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # other tests' files (rows rolled back) are not ours to sweep


def test_a_rolled_back_upload_leaves_a_file_that_the_sweeper_deletes(province):
    setup = lke_round(province)
    assessment = first(setup.ra_a)
    kept = services.evidence_add(
        assessment=assessment, by=province.agent_a.user, fileobj=io.BytesIO(PDF),
        name="sk.pdf", description="SK",
    )  # fmt: skip
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = services.evidence_add(
            assessment=assessment, by=province.agent_a.user, fileobj=io.BytesIO(PDF),
            name="rencana.pdf", description="Rencana aksi",
        )  # fmt: skip
        raise RuntimeError("the request failed after the file was written")
    assert not Evidence.objects.filter(file=lost.file.name).exists()
    assert default_storage.exists(lost.file.name)

    # Within the grace period nothing is touched (an upload may still be in flight).
    assert evidence_orphans_delete() == []
    later = timezone.now() + dt.timedelta(days=1)
    assert evidence_orphans_delete(now=later) == [lost.file.name]
    assert not default_storage.exists(lost.file.name)
    assert default_storage.exists(kept.file.name)


def test_the_task_runs_with_no_evidence_directory():
    assert evidence_orphans_sweep() == 0


def test_a_stray_file_is_swept(province):
    name = default_storage.save("evidence/ab/stray.pdf", ContentFile(PDF))
    assert evidence_orphans_delete(now=timezone.now() + dt.timedelta(days=1)) == [name]
