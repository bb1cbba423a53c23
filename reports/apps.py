from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Indeks dan laporan")

    def ready(self) -> None:
        from berakhlak.jobs import sweep_register
        from evaluations.plans.figures import published_figures_reader_set
        from evaluations.services import round_transitioned
        from reports.printing.services import REPORT_FILES
        from reports.selectors import plan_figures
        from reports.services.compute import INDEX_RUNS, compute_on_close
        from reports.services.quality import QUALITY_RUNS

        round_transitioned.connect(compute_on_close, dispatch_uid="reports.compute_on_close")
        # Plans read published figures through their port, never by importing reports.
        published_figures_reader_set(plan_figures)
        sweep_register("reports.index_runs", INDEX_RUNS)
        sweep_register("reports.report_files", REPORT_FILES)
        sweep_register("reports.instrument_quality", QUALITY_RUNS)
