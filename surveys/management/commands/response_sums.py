"""python manage.py response_sums [--round ROUND] [--repair]

Check the cell sums the database keeps (surveys.sums) against a fresh scan of the responses of
every round (or one); --repair recomputes a round whose sums differ. Exit status 1 while any
round differs (after --repair: only if a repair did not hold)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from evaluations.models import Round
from surveys import sums
from surveys.management.commands.import_responses import round_lookup


class Command(BaseCommand):
    help = "Periksa jumlah per sel yang disimpan basis data terhadap pemindaian jawaban."

    def add_arguments(self, parser):
        parser.add_argument("--round", help="nomor atau nama persis putaran (bawaan: semua)")
        parser.add_argument("--repair", action="store_true", help="hitung ulang yang berbeda")

    def handle(self, *args, **options):
        rounds = [round_lookup(options["round"])] if options["round"] else Round.objects.all()
        differing = 0
        for round in rounds:
            problems = sums.drift(round.pk)
            if problems and options["repair"]:
                with transaction.atomic():
                    sums.rebuild(round.pk)
                problems = sums.drift(round.pk)
                self.stdout.write(f"{round}: dihitung ulang")
            for problem in problems:
                self.stdout.write(f"{round}: {problem}")
            differing += bool(problems)
            if not problems:
                self.stdout.write(f"{round}: cocok")
        if differing:
            raise CommandError(f"{differing} putaran berbeda dari pemindaian jawaban.")
