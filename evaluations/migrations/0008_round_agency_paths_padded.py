"""Round agency paths (copies of the agencies' paths) with zero-padded ids, as berakhlak 0006."""

import importlib

from django.db import migrations

padded = importlib.import_module("berakhlak.migrations.0006_agency_paths_padded")


def forwards(apps, schema_editor):
    padded.rewrite(apps.get_model("evaluations", "RoundAgency"), padded.DIGITS)


def backwards(apps, schema_editor):
    padded.rewrite(apps.get_model("evaluations", "RoundAgency"), None)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0007_mail_claim"),
        ("berakhlak", "0006_agency_paths_padded"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
