"""python manage.py import_responses --round ROUND FILE.xlsx [--dry-run]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from berakhlak.roster.xlsx import WorkbookError
from evaluations.models import Round, RoundStatus
from surveys.services.paper_import import (
    PaperImportError,
    PaperRepeated,
    paper_import,
    paper_plan,
)


def round_lookup(value: str) -> Round:
    """A round by id, or by its exact name when that name is unique."""
    rounds = Round.objects.filter(pk=int(value)) if value.isdigit() else Round.objects.none()
    if not rounds:
        rounds = Round.objects.filter(name=value)
    if rounds.count() != 1:
        raise CommandError(
            f"Putaran '{value}' tidak ditemukan (pakai nomor putaran atau nama persisnya)."
        )
    return rounds.get()


class Command(BaseCommand):
    help = (
        "Impor jawaban survei kertas/luring (sheet Jawaban) sebagai jawaban anonim suatu putaran."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="nomor atau nama persis putaran")
        parser.add_argument("file", help="berkas .xlsx dengan sheet Jawaban")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tidak menyimpan")
        parser.add_argument(
            "--again",
            action="store_true",
            help="impor juga bila berkas yang sama persis sudah pernah diimpor",
        )

    def handle(self, *args, round, file, dry_run, **options):
        target = round_lookup(round)
        if target.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
            raise CommandError(
                f"Putaran berstatus {target.get_status_display()}; jawaban kertas hanya dapat "
                "diimpor selama putaran dibuka atau ditutup (belum dihitung)."
            )
        try:
            fileobj = open(file, "rb")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Berkas tidak dapat dibuka: {error.strerror}") from None
        with fileobj:
            try:
                if dry_run:
                    plan = paper_plan(round=target, fileobj=fileobj)
                    if plan.problems:
                        raise PaperImportError(plan.problems)
                    created = len(plan.rows)
                else:
                    created = paper_import(
                        round=target, fileobj=fileobj, repeat_confirmed=options["again"]
                    )
            except PaperRepeated as error:
                raise CommandError(
                    f"Berkas yang sama persis sudah diimpor ke '{error.earlier.round.name}' pada "
                    f"{error.earlier.created_at:%Y-%m-%d %H:%M} UTC; tambahkan --again bila memang "
                    "harus diimpor lagi."
                ) from None
            except WorkbookError as error:
                raise CommandError(str(error)) from None
            except PaperImportError as error:
                for problem in error.problems:
                    self.stderr.write(str(problem))
                raise CommandError(
                    f"{len(error.problems)} kesalahan ditemukan; tidak ada yang diimpor."
                ) from None
        if dry_run:
            self.stdout.write(
                f"Mode uji (--dry-run): {created} baris jawaban siap diimpor; tidak ada yang disimpan."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"{created} jawaban kertas diimpor ke '{target.name}'.")
        )
