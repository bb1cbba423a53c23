"""Django admin of the forums: forums with their categories (who may post where), members,
events. Threads and posts are moderated on the forum pages themselves."""

from __future__ import annotations

from django.contrib import admin

from forums.models import Category, Event, Forum, Membership, Practice


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ("kind", "name", "members_may_post", "order")


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "root")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("root",)
    inlines = [CategoryInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = (
        "employee",
        "agency",
        "forum",
        "sk_number",
        "active_from",
        "active_to",
        "role_model",
        "moderator",
    )
    list_filter = ("forum", "role_model", "moderator")
    search_fields = ("employee__nip", "employee__name", "agency__code", "sk_number")
    raw_id_fields = ("employee", "agency")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "forum", "starts_at", "place", "capacity")
    list_filter = ("forum", "kind")
    search_fields = ("title", "place")
    exclude = ("checkin_code",)


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ("title", "agency", "forum", "created_at")
    list_filter = ("forum", "values")
    search_fields = ("title",)
    raw_id_fields = ("agency", "created_by")
    exclude = ("body_html",)
    readonly_fields = ("body",)  # its sanitised HTML is written by forums.services only
