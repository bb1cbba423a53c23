"""Events: registration and capacity, check-in by code or QR, the committee's desk, attendance
lists, attendance as evidence of the member's own agency only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from berakhlak.refusals import Refused
from evaluations.models import Evidence
from forums import services
from forums.models import CheckinMethod, Event, Registration
from tests.evaluations.lke_factories import force_status, lke_round

pytestmark = pytest.mark.django_db


def test_check_in_refuses_a_wrong_or_expired_code(province, f, event):
    agent = province.agent_a.user
    with pytest.raises(Refused, match="salah"):
        services.event_check_in(event=event, by=agent, code="XXXXXX")
    with pytest.raises(Refused, match="hanya berlaku"):
        services.event_check_in(
            event=event,
            by=agent,
            code=event.checkin_code,
            now=event.ends_at + dt.timedelta(hours=2),
        )
    with pytest.raises(Refused, match="hanya berlaku"):
        services.event_check_in(
            event=event,
            by=agent,
            code=event.checkin_code,
            now=event.starts_at - dt.timedelta(hours=2),
        )
    old = event.checkin_code
    services.event_code_renew(event=event, by=province.admin.user)
    with pytest.raises(Refused, match="sudah diganti"):
        services.event_check_in(event=event, by=agent, code=old)
    with pytest.raises(Refused):
        services.event_check_in(event=event, by=province.leader_a.user, code=event.checkin_code)
    assert not Registration.objects.filter(attended_at__isnull=False).exists()
    registration = services.event_check_in(
        event=event, by=agent, code=f" {event.checkin_code.lower()} "
    )
    assert (
        registration.attended_at is not None and registration.checkin_method == CheckinMethod.CODE
    )
    again = services.event_check_in(event=event, by=agent, code=event.checkin_code)
    assert again.attended_at == registration.attended_at  # the first check-in counts


def test_check_in_through_the_qr_link(client, province, f, event):
    client.force_login(province.agent_a.user)
    url = reverse("forums:event", args=[f.forum.slug, event.pk])
    page = client.get(url, {"kode": event.checkin_code}).content.decode()
    assert f'value="{event.checkin_code}"' in page and 'name="via" value="qr"' in page
    client.post(url, {"op": "checkin", "code": event.checkin_code, "via": "qr"})
    assert Registration.objects.get().checkin_method == CheckinMethod.QR
    client.force_login(province.agent_b.user)
    response = client.post(url, {"op": "checkin", "code": "ABC234"}, follow=True)
    assert "Kode kehadiran salah" in response.content.decode()


def test_the_screen_shows_the_code_and_a_qr_code_of_the_check_in_link(client, province, f, event):
    client.force_login(province.admin.user)
    page = client.get(
        reverse("forums:event_screen", args=[f.forum.slug, event.pk])
    ).content.decode()
    assert event.checkin_code in page and "<svg" in page
    assert f"?kode={event.checkin_code}" in page
    count = client.get(
        reverse("forums:event_screen", args=[f.forum.slug, event.pk]),
        headers={"HX-Request": "true"},
    )
    assert "0 hadir" in count.content.decode() and "<svg" not in count.content.decode()


def test_registration_respects_capacity(province, f, event):
    event.capacity = 1
    event.save()
    services.event_register(event=event, by=province.agent_a.user)
    services.event_register(event=event, by=province.agent_a.user)  # twice is once
    with pytest.raises(Refused, match="penuh"):
        services.event_register(event=event, by=province.agent_b.user)
    with pytest.raises(Refused, match="anggota"):
        services.event_register(event=event, by=province.leader_a.user)
    assert event.registrations.count() == 1


def test_the_committee_marks_attendance_at_the_desk(client, province, f, event):
    registration = services.event_register(event=event, by=province.agent_b.user)
    url = reverse("forums:event", args=[f.forum.slug, event.pk])
    client.force_login(province.agent_a.user)
    client.post(url, {"op": "mark", "registration": registration.pk})
    registration.refresh_from_db()
    assert registration.attended_at is None
    client.force_login(province.admin.user)
    client.post(url, {"op": "mark", "registration": registration.pk})
    registration.refresh_from_db()
    assert registration.attended_at and registration.checkin_method == CheckinMethod.COMMITTEE
    client.post(url, {"op": "unmark", "registration": registration.pk})
    registration.refresh_from_db()
    assert registration.attended_at is None and registration.checkin_method == ""


def test_admins_create_events_with_their_dates_checked(client, province, f):
    client.force_login(province.admin.user)
    url = reverse("forums:events", args=[f.forum.slug])
    bad = client.post(
        url,
        {
            "kind": "TRAINING",
            "title": "Rakor",
            "starts_at": "2026-12-01T10:00",
            "ends_at": "2026-12-01T09:00",
            "place": "Aula",
        },
    )
    assert bad.status_code == 400 and "sebelum waktu mulai" in bad.content.decode()
    assert 'value="Rakor"' in bad.content.decode()  # what was typed stays
    good = client.post(
        url,
        {
            "kind": "COORDINATION",
            "title": "Rakor",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-01T12:00",
            "online_url": "https://zoom.example/j/1",
            "capacity": "40",
        },
    )
    event = Event.objects.get()
    assert good.url == reverse("forums:event", args=[f.forum.slug, event.pk])
    assert event.capacity == 40 and len(event.checkin_code) == 6


def test_minutes_are_sanitised_and_materials_checked(client, province, f, event):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.evaluations.lke_factories import PDF

    client.force_login(province.admin.user)
    url = reverse("forums:event", args=[f.forum.slug, event.pk])
    client.post(
        url,
        {
            "op": "minutes",
            "minutes": "- poin <script>alert(1)</script>",
            "files": [SimpleUploadedFile("materi.pdf", PDF)],
        },
    )
    event.refresh_from_db()
    assert event.materials.count() == 1
    page = client.get(url).content.decode()
    assert "<li>poin" in page and "<script>alert(1)" not in page
    response = client.post(
        url,
        {"op": "minutes", "minutes": "x", "files": [SimpleUploadedFile("virus.pdf", b"MZ")]},
        follow=True,
    )
    assert "virus.pdf" in response.content.decode() and event.materials.count() == 1


def attendance_download(client, f, event, fmt: str):
    response = client.get(reverse("forums:attendance", args=[f.forum.slug, event.pk, fmt]))
    assert response.status_code == 200
    if fmt == "pdf":
        return "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
    return list(
        load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
    )


def test_attendance_lists_hold_a_members_own_agency_only_and_everything_for_managers(
    client, province, f, event
):
    services.event_check_in(event=event, by=province.agent_a.user, code=event.checkin_code)
    services.event_check_in(event=event, by=province.agent_b.user, code=event.checkin_code)
    a, b = province.agent_a, province.agent_b
    client.force_login(b.user)  # a member of agency B
    text = attendance_download(client, f, event, "pdf")
    assert b.name in text and b.nip in text and "Pelatihan Agen Perubahan" in text
    assert a.name not in text and a.nip not in text and province.agency_b.name in text
    rows = attendance_download(client, f, event, "xlsx")
    assert [(r[1], r[2]) for r in rows] == [(b.name, b.nip)]
    page = client.get(reverse("forums:event", args=[f.forum.slug, event.pk])).content.decode()
    assert b.name in page and a.name not in page and "Daftar hadir (2)" in page
    client.force_login(a.user)
    assert [r[2] for r in attendance_download(client, f, event, "xlsx")] == [a.nip]
    client.force_login(province.admin.user)  # the forum's manager: everyone
    assert sorted(r[2] for r in attendance_download(client, f, event, "xlsx")) == sorted(
        [a.nip, b.nip]
    )
    text = attendance_download(client, f, event, "pdf")
    assert a.nip in text and b.nip in text
    client.force_login(province.leader_a.user)  # not a member
    assert (
        client.get(reverse("forums:attendance", args=[f.forum.slug, event.pk, "pdf"])).status_code
        == 404
    )


def test_spreadsheet_cells_never_become_formulas(province, f, event):
    from forums import exports
    from forums.selectors import attendance

    province.agent_a.name = '=HYPERLINK("http://x")'
    province.agent_a.save()
    services.event_check_in(event=event, by=province.agent_a.user, code=event.checkin_code)
    sheet = load_workbook(io.BytesIO(exports.attendance_xlsx(event, attendance(event)))).active
    assert sheet["B2"].data_type == "s"
    # headers a person reads, frozen and filtered; the check-in time is an Excel date
    assert [c.value for c in sheet[1]][:3] == ["No.", "Nama", "NIP"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:F")
    assert sheet["E2"].is_date and sheet["C2"].data_type == "s"


def test_attendance_becomes_evidence_of_the_members_own_agency_and_criterion_only(
    client, province, f, event
):
    setup = lke_round(province)
    own = setup.ra_a.assessments.get(criterion__code="4.1")
    other_agency = setup.ra_b.assessments.get(criterion__code="4.1")
    agent = province.agent_a.user
    with pytest.raises(Refused, match="hadir"):  # nobody of the agency attended yet
        services.attendance_to_evidence(event=event, by=agent, assessment_id=own.pk)
    services.event_check_in(event=event, by=agent, code=event.checkin_code)
    services.event_check_in(event=event, by=province.agent_b.user, code=event.checkin_code)
    with pytest.raises(Refused, match=f"bukan milik LKE {province.agency_a.name}"):
        services.attendance_to_evidence(event=event, by=agent, assessment_id=other_agency.pk)
    with pytest.raises(Refused, match="bukan milik LKE"):  # agent B may not touch A's LKE
        services.attendance_to_evidence(event=event, by=province.agent_b.user, assessment_id=own.pk)
    assert not Evidence.objects.exists()
    client.force_login(agent)
    page = client.get(reverse("forums:event", args=[f.forum.slug, event.pk])).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{other_agency.pk}"' not in page
    client.post(
        reverse("forums:event", args=[f.forum.slug, event.pk]),
        {"op": "evidence", "assessment": own.pk},
    )
    evidence = Evidence.objects.get()
    assert evidence.assessment == own and evidence.content_type == "application/pdf"
    assert "Pelatihan Agen Perubahan" in evidence.description and evidence.uploaded_by == agent
    with evidence.file.open("rb") as stored:  # agency A's LKE holds no one of agency B
        text = "".join(page.extract_text() for page in PdfReader(stored).pages)
    assert province.agent_a.nip in text and province.agent_b.nip not in text
    services.attendance_to_evidence(event=event, by=agent, assessment_id=own.pk, fmt="xlsx")
    assert own.evidence.count() == 2 and other_agency.evidence.count() == 0


def test_no_evidence_once_the_criterion_is_submitted(province, f, event):
    setup = lke_round(province)
    own = force_status(setup.ra_a.assessments.get(criterion__code="4.1"), "SUBMITTED")
    services.event_check_in(event=event, by=province.agent_a.user, code=event.checkin_code)
    with pytest.raises(Refused, match="sudah diajukan"):
        services.attendance_to_evidence(event=event, by=province.agent_a.user, assessment_id=own.pk)
    assert not Evidence.objects.exists()


def test_a_member_of_a_unit_counts_for_the_agency_that_nominated_them(province, f):
    assert services.nominating_agency(f.forum, province.asn_unit) == province.agency_a
    assert services.nominating_agency(f.forum, province.agent_b) == province.agency_b
    assert services.nominating_agency(f.forum, province.admin) == province.biro


def test_a_walk_in_takes_a_free_seat_and_is_refused_at_a_full_event(province, f, event):
    """Walk-ins (checked in without registering) are welcome while a seat is free; registered
    members always check in, full or not."""
    event.capacity = 1
    event.save()
    walk_in = services.event_check_in(
        event=event, by=province.agent_a.user, code=event.checkin_code
    )
    assert walk_in.attended_at is not None
    with pytest.raises(Refused, match="penuh"):
        services.event_check_in(event=event, by=province.agent_b.user, code=event.checkin_code)
    assert event.registrations.count() == 1
    event.capacity = 2
    event.save()
    services.event_register(event=event, by=f.moderator.user)
    event.capacity = 1  # lowered after registrations: the registered still get in
    event.save()
    assert services.event_check_in(
        event=event, by=f.moderator.user, code=event.checkin_code
    ).attended_at


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL; SQLite serialises every write anyway",
)
def test_two_walk_ins_at_once_for_the_last_seat_seat_one(transactional_db, province, f, event):
    import threading

    event.capacity = 1
    event.save()
    barrier = threading.Barrier(2)
    outcomes, lock = [], threading.Lock()

    def check_in(user):
        try:
            barrier.wait(timeout=10)
            services.event_check_in(event=event, by=user, code=event.checkin_code)
            result = "in"
        except ValidationError as error:
            result = " ".join(error.messages)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    users = (province.agent_a.user, province.agent_b.user)
    threads = [threading.Thread(target=check_in, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("in") == 1 and any("penuh" in outcome for outcome in outcomes)
    assert Registration.objects.filter(event=event).count() == 1
