from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forum agen perubahan")

    def ready(self) -> None:
        from berakhlak.jobs import sweep_register
        from forums.notifications import posts_send_unsent

        sweep_register("forums.post_emails", posts_send_unsent)
