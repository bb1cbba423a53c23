from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Survei individu")

    def ready(self) -> None:
        from berakhlak.jobs import sweep_register
        from evaluations.services import round_transitioned
        from surveys.services.invitations import invitations_send_unsent
        from surveys.services.release import release_on_close, releases_send_waiting

        round_transitioned.connect(release_on_close, dispatch_uid="surveys.release_on_close")
        sweep_register("surveys.releases", lambda now: len(releases_send_waiting()))
        sweep_register("surveys.invitations", invitations_send_unsent)
