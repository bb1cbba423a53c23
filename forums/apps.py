from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forum agen perubahan")

    def ready(self) -> None:
        # Audit trail: who nominated or ended a change agent, and every moderation decision.
        from auditlog.registry import auditlog

        from forums.models import Category, Event, Membership, Post, Registration, Thread

        auditlog.register(Membership)
        auditlog.register(Category)
        auditlog.register(Event, exclude_fields=["checkin_code"])
        auditlog.register(Registration, include_fields=["attended_at", "checkin_method"])
        auditlog.register(Thread, include_fields=["locked", "hidden", "category", "accepted_post"])
        auditlog.register(Post, include_fields=["hidden"])
