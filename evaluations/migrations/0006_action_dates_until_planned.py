"""Actions made from a suggestion start empty (no text stored in one language, no dates a person
did not choose). Existing untouched suggestions, still in a draft plan, are emptied the same way,
so that the submit check sees them for what they are."""

from django.db import migrations, models

# The texts the suggestion used to store, in the two languages of the interface.
DESCRIPTIONS = ("Program penguatan nilai {}: ...", "Programme to strengthen {}: ...")
TARGETS = (
    "Indeks {} naik satu kategori pada putaran berikutnya",
    "The {} index rises one band in the next round",
)


def empty_untouched_suggestions(apps, schema_editor):
    Action = apps.get_model("evaluations", "Action")
    for action in Action.objects.filter(plan__status="DRAFT").select_related("value"):
        name = action.value.name
        if action.description not in {text.format(name) for text in DESCRIPTIONS}:
            continue
        action.description = ""
        if action.target in {text.format(name) for text in TARGETS}:
            action.target = ""
        action.save(update_fields=["description", "target"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0005_change_plans"),
    ]

    operations = [
        migrations.AlterField(
            model_name="action",
            name="due_date",
            field=models.DateField(blank=True, null=True, verbose_name="tenggat"),
        ),
        migrations.AlterField(
            model_name="action",
            name="start_date",
            field=models.DateField(blank=True, null=True, verbose_name="mulai"),
        ),
        migrations.RunPython(empty_untouched_suggestions, migrations.RunPython.noop),
    ]
