"""python manage.py demo_code: the current six-digit code of the demo authenticator (seed_demo)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from berakhlak.demo import demo_totp_code


class Command(BaseCommand):
    help = "Mencetak kode verifikasi dua langkah yang berlaku sekarang untuk akun demo."

    def handle(self, *args, **options):
        self.stdout.write(demo_totp_code())
