"""Builders for the LKE tests: an open round with the default worksheet, files of every kind."""

from __future__ import annotations

import io
import uuid
import zipfile

from django.core.files.base import ContentFile

from evaluations.lke import opening, services
from evaluations.models import (
    Assessment,
    Evidence,
    RoundAgency,
)
from tests.surveys.factories import behaviour_instrument, open_round

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32

MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
    "xlsm": ("xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
}  # fmt: skip


def office(
    kind: str = "docx",
    *,
    vba: bool = False,
    extra: dict[str, bytes] | None = None,
    bomb_mb: int = 0,
) -> bytes:
    part, content_type = MAIN[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(part, "<document/>")
        if vba:
            archive.writestr(part.split("/")[0] + "/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        if bomb_mb:
            with archive.open("word/media/image1.bin", "w") as handle:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(bomb_mb):
                    handle.write(chunk)
    return buffer.getvalue()


class LkeSetup:
    pass


def lke_round(province, *, assign: bool = True) -> LkeSetup:
    """An open round (evidence window open), the default worksheet, evaluators assigned."""
    round = open_round(province, instruments=[behaviour_instrument()])
    opening.worksheet_create_default(round=round, by=province.admin.user)
    if assign:
        opening.evaluator_assignments_from_grants(round=round, by=province.admin.user)
    s = LkeSetup()
    s.round = round
    s.ra_a = RoundAgency.objects.get(round=round, agency=province.agency_a)
    s.ra_b = RoundAgency.objects.get(round=round, agency=province.agency_b)
    s.ra_biro = RoundAgency.objects.get(round=round, agency=province.biro)
    for ra in (s.ra_a, s.ra_b, s.ra_biro):
        opening.assessments_ensure(round_agency=ra)
    return s


def first(round_agency, code: str = "1.1") -> Assessment:
    return Assessment.objects.select_related(
        "criterion__component", "round_agency__round", "round_agency__agency"
    ).get(round_agency=round_agency, criterion__code=code)


def evidence_direct(assessment: Assessment, user, *, data: bytes = PDF, name: str = "bukti.pdf"):
    """A stored evidence row without the permission checks (for agencies without an agent)."""
    evidence = Evidence(
        assessment=assessment,
        storage_key=uuid.uuid4(),
        extension=".pdf",
        content_type="application/pdf",
        size=len(data),
        sha256="0" * 64,
        original_name=name,
        description="Bukti uji",
        uploaded_by=user,
    )
    evidence.file.save("x", ContentFile(data), save=False)
    evidence.save()
    return evidence


def force_status(assessment: Assessment, status: str, *, answer: str = "YA") -> Assessment:
    Assessment.objects.filter(pk=assessment.pk).update(status=status, self_answer=answer)
    assessment.refresh_from_db()
    return assessment


def submitted_with_evidence(assessment: Assessment, agent_user) -> Assessment:
    """Answer, upload a PDF and submit through the services, as the agency's change agent."""
    assessment = services.assessment_self_save(
        assessment=assessment,
        by=agent_user,
        version=assessment.version,
        answer="YA",
        narrative="Roadmap ditetapkan dengan SK Kepala Dinas.",
    )
    services.evidence_add(
        assessment=assessment,
        by=agent_user,
        fileobj=io.BytesIO(PDF),
        name="sk-roadmap.pdf",
        description="SK penetapan roadmap",
    )
    assessment.refresh_from_db()
    return services.assessment_submit(
        assessment=assessment, by=agent_user, version=assessment.version
    )
