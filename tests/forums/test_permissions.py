"""Who sees and does what: member, non-member (and former member), moderator, admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from berakhlak.refusals import Refused
from forums import permissions, services
from forums.models import Thread

pytestmark = pytest.mark.django_db


def _people(province, f):
    return {
        "member": province.agent_a,
        "moderator": f.moderator,
        "admin": province.admin,
        "leader": province.leader_a,
        "asn": province.asn_a,
        "former": f.former,
        "evaluator": province.evaluator,
    }


READ_PAGES = ("home", "members", "library", "events", "thread_new")


@pytest.mark.parametrize(
    "who, status",
    [
        ("member", 200),
        ("moderator", 200),
        ("admin", 200),
        ("leader", 404),
        ("asn", 404),
        ("former", 404),
        ("evaluator", 404),
    ],
)
def test_forum_pages_for_members_and_admins_only(client, province, f, event, who, status):
    thread = services.thread_create(
        category=f.consult, by=province.agent_b.user, title="T", body="B"
    )
    client.force_login(_people(province, f)[who].user)
    urls = [reverse(f"forums:{name}", args=[f.forum.slug]) for name in READ_PAGES]
    urls += [
        reverse("forums:thread", args=[f.forum.slug, thread.pk]),
        reverse("forums:event", args=[f.forum.slug, event.pk]),
        reverse("forums:attendance", args=[f.forum.slug, event.pk, "xlsx"]),
    ]
    for url in urls:
        assert client.get(url).status_code == status, url


def test_the_forum_list_leads_a_member_to_the_forum_and_shows_outsiders_nothing(
    client, province, f
):
    client.force_login(province.agent_a.user)
    assert client.get(reverse("forums:list")).url == reverse("forums:home", args=[f.forum.slug])
    client.force_login(province.leader_a.user)
    page = client.get(reverse("forums:list"))
    assert page.status_code == 200 and f.forum.name not in page.content.decode()


def test_admin_pages_are_404_for_members_and_moderators(client, province, f, event):
    screen = reverse("forums:event_screen", args=[f.forum.slug, event.pk])
    new_code = reverse("forums:event_new_code", args=[f.forum.slug, event.pk])
    for person in (province.agent_a, f.moderator):
        client.force_login(person.user)
        assert client.get(screen).status_code == 404
        assert client.post(new_code).status_code == 404
        members = reverse("forums:members", args=[f.forum.slug])
        assert (
            client.post(
                members, {"nip": province.asn_a.nip, "sk_number": "1", "sk_date": "2024-09-02"}
            ).status_code
            == 404
        )
        events = reverse("forums:events", args=[f.forum.slug])
        assert client.post(events, {"title": "X"}).status_code == 404
    client.force_login(province.admin.user)
    assert client.get(screen).status_code == 200


def test_who_may_post_where(province, f):
    services.thread_create(category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi")
    with pytest.raises(Refused, match="hanya moderator"):
        services.thread_create(category=f.news, by=province.agent_a.user, title="Info", body="Isi")
    with pytest.raises(Refused, match="anggota"):
        services.thread_create(category=f.consult, by=province.leader_a.user, title="X", body="Y")
    services.thread_create(category=f.news, by=f.moderator.user, title="Info", body="Isi")
    services.thread_create(category=f.news, by=province.admin.user, title="Jadwal", body="Isi")
    # configurable: open announcements to members
    f.news.members_may_post = True
    f.news.save()
    services.thread_create(category=f.news, by=province.agent_a.user, title="Info unit", body="Isi")
    assert Thread.objects.count() == 4


def test_the_new_thread_page_offers_only_the_categories_one_may_post_in(client, province, f):
    client.force_login(province.agent_a.user)
    page = client.get(reverse("forums:thread_new", args=[f.forum.slug])).content.decode()
    assert "Konsultasi" in page and "Pengumuman" not in page
    client.force_login(f.moderator.user)
    assert (
        "Pengumuman"
        in client.get(reverse("forums:thread_new", args=[f.forum.slug])).content.decode()
    )


def test_moderators_lock_hide_and_move_members_cannot(client, province, f):
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi"
    )
    for action in ("lock", "hide", "move"):
        with pytest.raises(Refused):
            services.thread_moderate(
                thread=thread, by=province.agent_a.user, action=action, category=f.practice
            )
    services.thread_moderate(thread=thread, by=f.moderator.user, action="lock")
    with pytest.raises(Refused, match="dikunci"):
        services.post_create(thread=thread, by=province.agent_b.user, body="Balas")
    services.post_create(thread=thread, by=f.moderator.user, body="Catatan moderator")
    services.thread_moderate(
        thread=thread, by=province.admin.user, action="move", category=f.practice
    )
    services.thread_moderate(thread=thread, by=f.moderator.user, action="hide")
    thread.refresh_from_db()
    assert thread.locked and thread.hidden and thread.category == f.practice
    url = reverse("forums:thread", args=[f.forum.slug, thread.pk])
    client.force_login(province.agent_b.user)
    assert client.get(url).status_code == 404
    client.force_login(f.moderator.user)
    assert client.get(url).status_code == 200


def test_moderation_through_the_page(client, province, f):
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi"
    )
    reply = services.post_create(thread=thread, by=province.agent_b.user, body="Iklan tidak pantas")
    action = reverse("forums:thread_action", args=[f.forum.slug, thread.pk])
    client.force_login(province.agent_a.user)
    client.post(action, {"action": "hide", "post": reply.pk})
    reply.refresh_from_db()
    assert not reply.hidden
    client.force_login(f.moderator.user)
    client.post(action, {"action": "hide", "post": reply.pk})
    reply.refresh_from_db()
    assert reply.hidden
    client.force_login(province.agent_a.user)
    page = client.get(reverse("forums:thread", args=[f.forum.slug, thread.pk])).content.decode()
    assert "Iklan tidak pantas" not in page


def test_only_the_asker_or_a_moderator_accepts_an_answer(province, f):
    thread = services.thread_create(
        category=f.consult, by=province.agent_a.user, title="Tanya", body="Isi"
    )
    question = thread.posts.get()
    answer = services.post_create(thread=thread, by=province.agent_b.user, body="Jawab")
    with pytest.raises(Refused, match="penanya"):
        services.answer_accept(post=answer, by=province.agent_b.user)
    with pytest.raises(Refused):
        services.answer_accept(post=question, by=province.agent_a.user)
    services.answer_accept(post=answer, by=province.agent_a.user)
    thread.refresh_from_db()
    assert thread.accepted_post == answer
    other = services.post_create(thread=thread, by=f.moderator.user, body="Lebih lengkap")
    services.answer_accept(post=other, by=f.moderator.user)
    thread.refresh_from_db()
    assert thread.accepted_post == other
    services.thread_moderate(thread=thread, by=f.moderator.user, action="hide", post=other)
    thread.refresh_from_db()
    assert thread.accepted_post is None  # a hidden reply is no answer


def test_no_accepted_answer_outside_consultations(province, f):
    thread = services.thread_create(
        category=f.practice, by=province.agent_a.user, title="Praktik", body="Isi"
    )
    reply = services.post_create(thread=thread, by=province.agent_b.user, body="Bagus")
    with pytest.raises(Refused, match="konsultasi"):
        services.answer_accept(post=reply, by=province.agent_a.user)


def test_a_membership_counts_only_while_active_and_the_employee_is(province, f):
    assert permissions.can_read(province.agent_a.user, f.forum)
    assert not permissions.can_read(f.former.user, f.forum)
    province.agent_a.active = False
    province.agent_a.save()
    permissions.membership_cache_clear(province.agent_a.user)
    assert not permissions.can_read(province.agent_a.user, f.forum)


def test_denials_say_why(province, f):
    decision = permissions.can_start_thread(province.agent_a.user, f.news)
    assert not decision and "moderator" in decision.reason
