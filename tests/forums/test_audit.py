"""Forum moderation in the one audit channel (docs/ARCHITECTURE.md §10): who locked or hid what."""

from __future__ import annotations

import pytest

from forums import services as forums
from forums.models import Post
from tests.berakhlak.test_audit import last_entry

pytestmark = pytest.mark.django_db


def test_forum_moderation_is_recorded_with_the_actor(province, f):
    thread = forums.thread_create(
        category=f.consult, by=province.agent_a.user, title="Tanya", body="Bagaimana?"
    )
    reply = forums.post_create(thread=thread, by=province.agent_b.user, body="Begini.")
    forums.thread_moderate(thread=thread, by=f.moderator.user, action="lock")
    entry = last_entry(thread)
    assert entry.actor == f.moderator.user and entry.changes_dict["locked"] == ["False", "True"]
    forums.thread_moderate(thread=thread, by=f.moderator.user, action="hide", post=reply)
    entry = last_entry(Post.objects.get(pk=reply.pk))
    assert entry.actor == f.moderator.user and entry.changes_dict == {"hidden": ["False", "True"]}
