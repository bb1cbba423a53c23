"""Recovery codes kept as a keyed hash instead of the code itself (berakhlak/second_factor.py)."""

from django.db import migrations


def hash_codes(apps, schema_editor):
    from berakhlak.second_factor import recovery_code_stored

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        if len(token.token) != 16:  # a stored hash is 16 characters, a code 8
            token.token = recovery_code_stored(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("berakhlak", "0004_job_columns"),
        ("otp_static", "0003_add_timestamps"),
    ]

    # Backwards the codes stay hashed: they cannot be turned back into codes (users renew them).
    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop)]
