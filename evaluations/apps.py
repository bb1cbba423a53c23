from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluasi dan LKE")

    def ready(self) -> None:
        from berakhlak.jobs import sweep_register
        from evaluations.lke.notifications import lke_events_send_unsent
        from evaluations.services import round_transitioned

        sweep_register("evaluations.lke_emails", lke_events_send_unsent)
        round_transitioned.connect(lke_open_on_open, dispatch_uid="evaluations.lke_open_on_open")


def lke_open_on_open(sender, *, round_id: int, before: str, after: str, **kwargs) -> None:
    """A round that opens with its evidence window already begun opens its LKE at once (in the
    background: thousands of rows), not at the next run of the beat task."""
    from berakhlak.jobs import job_send
    from evaluations.models import RoundStatus
    from evaluations.tasks import lke_open_due_task

    if after == RoundStatus.OPEN:
        job_send(lke_open_due_task)
