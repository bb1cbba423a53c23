"""python manage.py compute_indices --round ROUND"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reports import selectors
from reports.models import RunStatus, Scope
from reports.services.compute import ComputeRefused, index_compute_now


class Command(BaseCommand):
    help = "Hitung indeks suatu putaran sekarang (cara yang sama dengan tombol Hitung) dan cetak ringkasannya."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="nomor atau nama persis putaran")

    def handle(self, *args, round, **options):
        target = selectors.round_lookup(round)
        if target is None:
            raise CommandError(
                f"Putaran '{round}' tidak ditemukan (pakai nomor putaran atau nama persisnya)."
            )
        try:
            run, computed_here = index_compute_now(round=target)
        except ComputeRefused as error:
            raise CommandError(error.reason) from None
        if run is None:
            raise CommandError("Tidak ada perhitungan yang dapat dijalankan.")
        if not computed_here and run.status != RunStatus.DONE:
            self.stdout.write(
                f"Perhitungan #{run.pk} untuk '{target.name}' sedang berjalan di proses lain "
                f"({run.get_status_display()}, {run.progress}%); tidak dihitung dua kali."
            )
            return
        if run.status == RunStatus.FAILED:
            raise CommandError(f"Perhitungan #{run.pk} gagal: {run.error}")
        self._summary(target, run)

    def _summary(self, target, run) -> None:
        province = selectors.province_row(run)
        agencies = selectors.figure_rows(run, scope=Scope.SUBTREE, codes=("INDIVIDUAL",))
        hidden = sum(1 for row in agencies if row.get("INDIVIDUAL").suppressed)
        individual = province.get("INDIVIDUAL")
        label = "sementara" if run.provisional else "final"
        self.stdout.write(
            self.style.SUCCESS(
                f"Perhitungan #{run.pk} selesai ({label}, metode {run.method_version}): "
                f"'{target.name}', {run.response_count} jawaban, {run.figures.count()} angka."
            )
        )
        values = "  ".join(f"{f.code} {_shown(f)}" for f in province.values() if f is not None)
        self.stdout.write(f"Provinsi: {values}")
        if individual is not None:
            self.stdout.write(
                f"Indeks individu provinsi: {_shown(individual)}"
                + (f" (kategori {individual.band})" if individual.band else "")
            )
        self.stdout.write(f"Unit: {len(agencies)}, disembunyikan karena kelompok kecil: {hidden}.")


def _shown(figure) -> str:
    if figure.suppressed:
        return "disembunyikan"
    return "-" if figure.value is None else str(figure.value)
