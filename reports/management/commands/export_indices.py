"""python manage.py export_indices --round ROUND --output FILE.xlsx"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reports import selectors
from reports.exports import indices_workbook_write


class Command(BaseCommand):
    help = "Tulis angka indeks terbaru suatu putaran ke berkas Excel (sheet Per Nilai)."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="nomor atau nama persis putaran")
        parser.add_argument("--output", required=True, help="berkas .xlsx yang akan ditulis")

    def handle(self, *args, round, output, **options):
        target = selectors.round_lookup(round)
        if target is None:
            raise CommandError(
                f"Putaran '{round}' tidak ditemukan (pakai nomor putaran atau nama persisnya)."
            )
        if not output.lower().endswith(".xlsx"):
            raise CommandError("Nama berkas keluaran harus berakhiran .xlsx.")
        run = selectors.run_for_reading(target)
        if run is None:
            raise CommandError(
                f"Putaran '{target.name}' belum dihitung: jalankan dulu "
                f"python manage.py compute_indices --round {target.pk}"
            )
        try:
            rows = indices_workbook_write(run=run, path=output)
        except OSError as error:
            raise CommandError(f"Berkas tidak dapat ditulis: {error.strerror}") from None
        note = " (angka sementara: survei masih dibuka)" if run.provisional else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{rows} baris (unit dan PROVINSI) dari perhitungan #{run.pk} ditulis ke {output}{note}."
            )
        )
