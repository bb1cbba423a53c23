from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Indeks dan laporan")

    def ready(self) -> None:
        from evaluations.services import round_transitioned
        from reports.services.compute import compute_on_close

        round_transitioned.connect(compute_on_close, dispatch_uid="reports.compute_on_close")
