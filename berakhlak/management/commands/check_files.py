"""python manage.py check_files: every row naming a file that is missing from MEDIA_ROOT.

The full check behind /health/'s sampled "files" (berakhlak/media_check.py); exits 1 when a file
is missing, so a cron job or a restore drill can act on it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from berakhlak import media_check


class Command(BaseCommand):
    help = "Periksa setiap baris yang menyebut berkas: adakah berkasnya di MEDIA_ROOT?"

    def handle(self, *args, **options):
        missing = 0
        for row in media_check.missing_files():
            missing += 1
            self.stdout.write(f"{row.label} {row.pk}: {row.name}")
        if missing:
            raise CommandError(f"{missing} baris tanpa berkas.")
        self.stdout.write(self.style.SUCCESS("Setiap berkas yang disebut basis data ada."))
