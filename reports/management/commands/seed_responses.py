"""python manage.py seed_responses --round ROUND --count N"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reports import selectors
from reports.services.seed import SeedRefused, responses_seed


class Command(BaseCommand):
    help = (
        "Tambahkan jawaban anonim simulasi (untuk demo) ke putaran yang dibuka atau ditutup: "
        "tiap unit punya profil budaya sendiri, Adaptif dan Kolaboratif lebih lemah."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="nomor atau nama persis putaran")
        parser.add_argument("--count", required=True, type=int, help="jumlah jawaban")
        parser.add_argument("--seed", type=int, default=2026, help="benih acak (hasil berulang)")

    def handle(self, *args, round, count, seed, **options):
        target = selectors.round_lookup(round)
        if target is None:
            raise CommandError(
                f"Putaran '{round}' tidak ditemukan (pakai nomor putaran atau nama persisnya)."
            )
        try:
            created = responses_seed(round=target, count=count, seed=seed)
        except SeedRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"{created} jawaban simulasi ditambahkan ke '{target.name}'.")
        )
