"""A forum of the test province: agents A and B as members, a moderator (agency B), a former
member, and the three categories (announcements for moderators only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from forums.models import Category, CategoryKind, Event, EventKind, Forum, Membership
from tests.factories import EmployeeFactory
from tests.surveys.factories import core_values_ensure

XSS = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [klik](javascript:alert(3)) "
    "<a href='https://contoh.go.id' onclick='alert(4)'>aman</a> <iframe src='https://x'></iframe> "
    "<svg onload=alert(5)></svg> [data](data:text/html;base64,PHNjcmlwdD4=) "
    '<a href="jav&#x09;ascript:alert(6)">tab</a> <style>body{display:none}</style>'
)
BAD = (
    "<script",
    "onerror",
    "javascript:",
    "onclick",
    "<iframe",
    "<img",
    "<svg",
    "onload",
    "data:",
    "<style",
    "jav\tascript",
)
SK_DAY = dt.date(2024, 9, 2)


class F:
    pass


def member(forum, employee, agency, **extra):
    return Membership.objects.create(
        forum=forum,
        employee=employee,
        agency=agency,
        sk_number="061/2024",
        sk_date=SK_DAY,
        active_from=SK_DAY,
        **extra,
    )


@pytest.fixture
def f(province):
    core_values_ensure()  # browser tests (transactional) flush the data-migration rows
    x = F()
    x.forum = Forum.objects.create(name="FOSKO Uji", slug="fosko-uji", root=province.root)
    x.consult = Category.objects.create(
        forum=x.forum, kind=CategoryKind.CONSULTATION, name="Konsultasi", order=1
    )
    x.practice = Category.objects.create(
        forum=x.forum, kind=CategoryKind.GOOD_PRACTICE, name="Praktik Baik", order=2
    )
    x.news = Category.objects.create(
        forum=x.forum,
        kind=CategoryKind.ANNOUNCEMENT,
        name="Pengumuman",
        order=3,
        members_may_post=False,
    )
    member(x.forum, province.agent_a, province.agency_a)
    member(x.forum, province.agent_b, province.agency_b)
    x.moderator = EmployeeFactory(agency=province.agency_b, name="Moderator Forum")
    member(x.forum, x.moderator, province.agency_b, moderator=True)
    x.former = EmployeeFactory(agency=province.agency_a, name="Mantan Anggota")
    Membership.objects.create(
        forum=x.forum,
        employee=x.former,
        agency=province.agency_a,
        sk_number="1/2023",
        sk_date=dt.date(2023, 1, 2),
        active_from=dt.date(2023, 1, 2),
        active_to=dt.date(2023, 12, 31),
    )
    return x


@pytest.fixture
def event(f):
    now = timezone.now()
    return Event.objects.create(
        forum=f.forum,
        kind=EventKind.TRAINING,
        title="Pelatihan Agen Perubahan",
        place="Aula",
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=3),
    )
