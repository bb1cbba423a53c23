"""manage.py survey_keys new|status|rotate: the keys that seal survey answers (surveys/services/keys.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from berakhlak.keyring import key_new
from surveys import sealing
from surveys.services.keys import survey_keys_rotate, survey_keys_status


class Command(BaseCommand):
    help = (
        "new: print a fresh key for SURVEY_KEYS; status: rows sealed under each key; rotate: "
        "re-seal every row under the first (newest) key of SURVEY_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("new", "status", "rotate"))
        parser.add_argument("--id", dest="key_id", help="id of the new key (new)")

    def handle(self, *args, action: str, key_id: str | None = None, **options):
        if action == "new":
            self.stdout.write(key_new(key_id))
            return
        if action == "status":
            current = sealing.current_key_id()
            self.stdout.write(f"newest key: {current}")
            for table, counts in survey_keys_status().items():
                shown = ", ".join(f"{k}: {n}" for k, n in counts.items()) or "-"
                self.stdout.write(f"{table}: {shown}")
            return
        result = survey_keys_rotate()
        for table, count in result.resealed.items():
            self.stdout.write(f"{table}: {count} re-sealed under {sealing.current_key_id()}")
        if result.broken:
            raise CommandError(
                "these rows do not open with any key of SURVEY_KEYS and were left as they are:\n"
                + "\n".join(result.broken)
            )
