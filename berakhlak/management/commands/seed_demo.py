"""python manage.py seed_demo [--employees N]: the demo province, idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from berakhlak.demo import DEMO_PASSWORD, demo_logins, demo_seed


class Command(BaseCommand):
    help = "Membuat provinsi demo (Kalimantan Selatan) dengan satu akun untuk setiap peran."

    def add_arguments(self, parser):
        parser.add_argument(
            "--employees", type=int, default=2000, help="jumlah pegawai (bawaan 2000)"
        )

    def handle(self, *args, employees: int, **options):
        if employees < 0:
            self.stderr.write("--employees tidak boleh negatif")
            return
        autodiscover_modules("demo")  # each app's demo steps (surveys.demo, ...)
        demo_seed(employees=employees, log=self.stdout.write)
        url = f"{settings.SITE_URL.rstrip('/')}/akun/masuk/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Provinsi demo siap. Masuk di {url}"))
        self.stdout.write(f"Kata sandi semua akun demo: {DEMO_PASSWORD}")
        self.stdout.write(f"{'Peran':<40} {'NIP (login)':<20} Nama")
        for account in demo_logins():
            self.stdout.write(f"{account.role_label:<40} {account.nip:<20} {account.name}")
        self.stdout.write(
            f"Jawaban survei disegel dengan kunci '{settings.SURVEY_KEYS[0].id}' dari SURVEY_KEYS "
            "(pada mesin ini: var/survey.keys; jangan dihapus, tanpa kunci itu draf dan jawaban "
            "yang menunggu tidak dapat dibuka)."
        )
