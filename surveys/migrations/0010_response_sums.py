"""The cell sums of the released responses, kept by triggers (surveys.sums, docs/ARCHITECTURE.md
§7.2): created and filled from the responses already stored."""

from django.db import migrations

from surveys import sums


def install(apps, schema_editor):
    for statement in sums.install_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    for statement in sums.uninstall_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0009_invitation_claim")]

    operations = [migrations.RunPython(install, uninstall)]
