"""python manage.py import_roster FILE [--dry-run] [--deactivate-missing]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from berakhlak.roster.services import roster_plan_from_file
from berakhlak.roster.writer import roster_apply


class Command(BaseCommand):
    help = "Impor data unit kerja dan pegawai dari berkas .xlsx (semua atau tidak sama sekali)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .xlsx dengan sheet Unit dan Pegawai")
        parser.add_argument(
            "--dry-run", action="store_true", help="periksa saja, tidak mengubah data"
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="nonaktifkan pegawai aktif yang tidak ada di berkas",
        )

    def handle(self, *args, file, dry_run, deactivate_missing, **options):
        try:
            fileobj = open(file, "rb")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Berkas tidak dapat dibuka: {error.strerror}") from None
        with fileobj:
            plan = roster_plan_from_file(fileobj)
        if not plan.ok:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(plan.problems)} kesalahan ditemukan; tidak ada data yang diubah."
            )
        counts = plan.counts()
        self.stdout.write(
            "Unit: {units_new} baru, {units_changed} berubah, {units_unchanged} tetap. "
            "Pegawai: {employees_new} baru, {employees_changed} berubah, {employees_unchanged} tetap, "
            "{employees_missing} tidak ada di berkas.".format(**counts)
        )
        for sheet, rows in plan.hidden_rows.items():
            self.stdout.write(
                f"Sheet {sheet}: baris tersembunyi/tersaring ikut diimpor: "
                + ", ".join(map(str, rows))
            )
        if dry_run:
            self.stdout.write("Mode uji (--dry-run): tidak ada data yang diubah.")
            return
        applied = roster_apply(plan, deactivate_missing=deactivate_missing)
        if applied["employees_deactivated"]:
            self.stdout.write(f"{applied['employees_deactivated']} pegawai dinonaktifkan.")
        elif counts["employees_missing"]:
            self.stdout.write(
                "Pegawai yang tidak ada di berkas tetap aktif (pakai --deactivate-missing)."
            )
        self.stdout.write(self.style.SUCCESS("Impor selesai."))
