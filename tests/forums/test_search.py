"""Search: PostgreSQL full-text search, and the icontains fallback on SQLite; hidden threads and
hidden replies are never found by members."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from forums import selectors, services
from forums.models import Practice

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


def _search_case(province, f, full_text):
    services.thread_create(
        category=f.consult,
        by=province.agent_a.user,
        title="Bukti dukung rencana aksi",
        body="Apa saja dokumennya?",
    )
    other = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Jadwal pelatihan", body="Kapan?"
    )
    services.post_create(
        thread=other, by=province.agent_b.user, body="Pelatihan membahas rencana aksi juga"
    )
    services.post_create(thread=other, by=province.agent_b.user, body="Rencana aksi lagi")
    secret = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Rahasia", body="Isi"
    )
    hidden_reply = services.post_create(
        thread=secret, by=province.agent_b.user, body="rencana aksi tersembunyi"
    )
    services.thread_moderate(thread=secret, by=f.moderator.user, action="hide", post=hidden_reply)
    gone = services.thread_create(
        category=f.consult,
        by=province.agent_a.user,
        title="Rencana aksi yang disembunyikan",
        body="x",
    )
    services.thread_moderate(thread=gone, by=f.moderator.user, action="hide")
    Practice.objects.create(
        forum=f.forum,
        title="Rencana aksi terpadu",
        body="x",
        body_html="x",
        agency=province.agency_a,
        created_by=province.admin.user,
    )
    Practice.objects.create(
        forum=f.forum,
        title="Apel pagi",
        body="nilai harian",
        body_html="x",
        agency=province.agency_b,
        created_by=province.admin.user,
    )

    threads, practices = selectors.search(
        province.agent_b.user, f.forum, "rencana aksi", full_text=full_text
    )
    assert sorted(t.title for t in threads) == ["Bukti dukung rencana aksi", "Jadwal pelatihan"]
    assert [p.title for p in practices] == ["Rencana aksi terpadu"]
    threads, _practices = selectors.search(
        f.moderator.user, f.forum, "rencana aksi", full_text=full_text
    )
    assert "Rencana aksi yang disembunyikan" in {t.title for t in threads}
    assert selectors.search(province.agent_b.user, f.forum, "tidakada", full_text=full_text) == (
        [],
        [],
    )
    assert selectors.search(province.agent_b.user, f.forum, "   ", full_text=full_text) == ([], [])
    _threads, practices = selectors.search(
        province.agent_b.user, f.forum, "HARIAN", full_text=full_text
    )
    assert [p.title for p in practices] == ["Apel pagi"]


def test_search_simple_fallback(province, f):
    _search_case(province, f, full_text=False)


@on_postgres
def test_search_postgresql_full_text(province, f):
    _search_case(province, f, full_text=True)


@on_postgres
def test_full_text_search_takes_web_search_syntax(province, f):
    services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Roadmap budaya kerja", body="x"
    )
    services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Roadmap pelatihan", body="x"
    )
    threads, _p = selectors.search(province.agent_a.user, f.forum, "roadmap -pelatihan")
    assert [t.title for t in threads] == ["Roadmap budaya kerja"]


def test_the_search_page_uses_the_database_at_hand(client, province, f):
    services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Indeks BerAKHLAK unit", body="x"
    )
    client.force_login(province.agent_b.user)
    page = client.get(reverse("forums:home", args=[f.forum.slug]), {"q": "indeks"}).content.decode()
    assert "Indeks BerAKHLAK unit" in page
