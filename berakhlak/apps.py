from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BerakhlakConfig(AppConfig):
    name = "berakhlak"
    verbose_name = _("Organisasi dan pegawai")
