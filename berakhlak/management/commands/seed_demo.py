"""python manage.py seed_demo [--employees N]: the demo province, idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from berakhlak.demo import (
    DEMO_PASSWORD,
    DEMO_RECOVERY_CODES,
    demo_logins,
    demo_seed,
    demo_totp_code,
    demo_totp_secret,
)
from berakhlak.models import User
from berakhlak.permissions import requires_second_factor


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
        self.stdout.write(f"{'Peran':<40} {'NIP (login)':<20} {'Kode 2 langkah':<15} Nama")
        users = {
            u.username: u for u in User.objects.filter(username__in=[a.nip for a in demo_logins()])
        }
        for account in demo_logins():
            needs = requires_second_factor(users[account.nip])
            step = "wajib" if needs else "-"
            self.stdout.write(
                f"{account.role_label:<40} {account.nip:<20} {step:<15} {account.name}"
            )
        secret = demo_totp_secret()
        self.stdout.write(
            "Akun bertanda 'wajib' meminta kode dari aplikasi autentikator setelah kata sandi. "
            f"Tambahkan kunci demo {secret} (berbasis waktu, 6 digit) ke aplikasi Anda, "
            f"atau pindai otpauth://totp/BerAKHLAK%20Monitor:demo?secret={secret}&issuer=BerAKHLAK%20Monitor ; "
            f"kode saat ini ({demo_totp_code()}) juga dicetak oleh: python manage.py demo_code"
        )
        codes = ", ".join(f"{c[:4]}-{c[4:]}" for c in DEMO_RECOVERY_CODES)
        self.stdout.write(
            f"Kode pemulihan demo (masing-masing sekali pakai per akun, dibuat ulang oleh seed_demo): {codes}"
        )
        self.stdout.write(
            f"Jawaban survei disegel dengan kunci '{settings.SURVEY_KEYS[0].id}' dari SURVEY_KEYS "
            "(pada mesin ini: var/survey.keys; jangan dihapus, tanpa kunci itu draf dan jawaban "
            "yang menunggu tidak dapat dibuka)."
        )
