"""python manage.py build_report --round ROUND [--agency CODE] --format pdf|xlsx --output FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluations.models import RoundAgency
from reports import selectors
from reports.models import ReportFormat
from reports.printing.services import report_bytes


class Command(BaseCommand):
    help = "Susun laporan PDF atau Excel suatu putaran (provinsi, atau satu unit dengan --agency)."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="nomor atau nama persis putaran")
        parser.add_argument("--agency", default="", help="kode unit; tanpa ini laporan provinsi")
        parser.add_argument("--format", required=True, choices=ReportFormat.values)
        parser.add_argument("--output", required=True, help="berkas yang akan ditulis")

    def handle(self, *args, round, agency, format, output, **options):
        target = selectors.round_lookup(round)
        if target is None:
            raise CommandError(
                f"Putaran '{round}' tidak ditemukan (pakai nomor putaran atau nama persisnya)."
            )
        if not output.lower().endswith(f".{format}"):
            raise CommandError(f"Nama berkas keluaran harus berakhiran .{format}.")
        unit = None
        if agency:
            unit = RoundAgency.objects.filter(round=target, code=agency).first()
            if unit is None:
                raise CommandError(f"Unit '{agency}' tidak ada dalam putaran '{target.name}'.")
        if selectors.run_for_reading(target) is None:
            raise CommandError(
                f"Putaran '{target.name}' belum dihitung: jalankan dulu "
                f"python manage.py compute_indices --round {target.pk}"
            )
        content = report_bytes(round=target, agency=unit, format=format, published_only=False)
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(f"Berkas tidak dapat ditulis: {error.strerror}") from None
        scope = unit.name if unit else target.root.name
        self.stdout.write(
            self.style.SUCCESS(f"Laporan {scope} ({len(content):,} bita) ditulis ke {output}.")
        )
