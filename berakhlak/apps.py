from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BerakhlakConfig(AppConfig):
    name = "berakhlak"
    verbose_name = _("Organisasi dan pegawai")

    def ready(self) -> None:
        # The one place models are registered with the audit log (docs/ARCHITECTURE.md §10).
        from berakhlak.audit import register_all

        register_all()

        from berakhlak.jobs import sweep_register
        from berakhlak.roster.services import ROSTER_IMPORTS

        sweep_register("berakhlak.roster_imports", ROSTER_IMPORTS)

        from django.db.models.signals import post_migrate

        post_migrate.connect(_province_root, sender=self)


def _province_root(**kwargs) -> None:
    from berakhlak.services import province_root_ensure

    province_root_ensure()
