from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluasi dan LKE")

    def ready(self) -> None:
        from berakhlak.jobs import sweep_register
        from evaluations.lke.notifications import lke_events_send_unsent

        sweep_register("evaluations.lke_emails", lke_events_send_unsent)
