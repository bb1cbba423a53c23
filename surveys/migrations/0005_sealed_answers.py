"""Answers at rest are sealed (docs/ARCHITECTURE.md §5).

- Drafts: the plain `answers` column is sealed into `sealed` with the current key of SURVEY_KEYS,
  then dropped, together with `updated_at`; the table (PostgreSQL: VACUUM FULL) or the file
  (SQLite: VACUUM) is then rewritten so that no dead row with plain answers stays behind. Backups
  taken before this migration still hold plain drafts: replace them.
- New: SealedSubmission (submissions wait sealed until release), ReleaseCorrection,
  ResponseRelease, PaperImport (backfilled from paper responses already stored).
- Responses already stored stay as they were written (not generalised, in their original order).
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Q


def seal_drafts(apps, schema_editor):
    # The sealing code itself (not a copy): its format is what the application reads.
    from surveys import sealing

    Draft = apps.get_model("surveys", "Draft")
    for draft in Draft.objects.all().iterator(chunk_size=500):
        draft.key_id, draft.sealed = sealing.seal(
            draft.answers or {}, purpose="draft", context=str(draft.token)
        )
        draft.save(update_fields=["key_id", "sealed"])


def backfill_paper_imports(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    PaperImport = apps.get_model("surveys", "PaperImport")
    rows = (
        Response.objects.filter(source="PAPER")
        .values("round_id", "round_agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    PaperImport.objects.bulk_create(
        PaperImport(round_id=r["round_id"], round_agency_id=r["round_agency_id"], count=r["n"])
        for r in rows
    )


def rewrite_draft_table(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("VACUUM FULL surveys_draft")
        elif vendor == "sqlite":
            cursor.execute("VACUUM")  # rewrites the file: freed pages keep no plain draft


class Migration(migrations.Migration):
    # VACUUM cannot run inside a transaction; every other step below is atomic on its own.
    atomic = False

    dependencies = [
        ("evaluations", "0005_change_plans"),
        ("surveys", "0004_response_selection_derived"),
    ]

    operations = [
        migrations.AddField(
            model_name="draft",
            name="key_id",
            field=models.CharField(default="", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="draft", name="sealed", field=models.BinaryField(null=True)
        ),
        migrations.RunPython(seal_drafts, migrations.RunPython.noop, atomic=True),
        migrations.RemoveField(model_name="draft", name="answers"),
        migrations.RemoveField(model_name="draft", name="updated_at"),
        migrations.AlterField(model_name="draft", name="sealed", field=models.BinaryField()),
        migrations.AddIndex(
            model_name="draft", index=models.Index(fields=["key_id"], name="surveys_dra_key_id_3d2f3a_idx")
        ),
        migrations.AlterField(
            model_name="response",
            name="asn_type",
            field=models.CharField(
                choices=[
                    ("PNS", "PNS"),
                    ("CPNS", "CPNS"),
                    ("PPPK", "PPPK"),
                    ("PPPK_PARUH_WAKTU", "PPPK Paruh Waktu"),
                    ("LAINNYA", "Lainnya (digabung)"),
                ],
                max_length=20,
                verbose_name="jenis ASN",
            ),
        ),
        migrations.CreateModel(
            name="SealedSubmission",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("key_id", models.CharField(max_length=16)),
                ("sealed", models.BinaryField()),
                ("summary", models.BinaryField()),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.round")),
            ],
            options={
                "verbose_name": "jawaban tersegel",
                "verbose_name_plural": "jawaban tersegel",
                "indexes": [
                    models.Index(fields=["round"], name="surveys_sea_round_i_5b0b61_idx"),
                    models.Index(fields=["key_id"], name="surveys_sea_key_id_7c1e0d_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ReleaseCorrection",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("key_id", models.CharField(max_length=16)),
                ("sealed", models.BinaryField()),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.round")),
            ],
            options={
                "indexes": [
                    models.Index(fields=["round"], name="surveys_rel_round_i_0a4c2e_idx"),
                    models.Index(fields=["key_id"], name="surveys_rel_key_id_9d5b7f_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ResponseRelease",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(choices=[("DONE", "Dilepas"), ("HELD", "Ditahan (kurang dari kelompok minimum)"), ("FAILED", "Gagal")], max_length=8)),
                ("released", models.PositiveIntegerField(default=0, verbose_name="dilepas")),
                ("generalised", models.PositiveIntegerField(default=0, verbose_name="digeneralisasi")),
                ("held", models.PositiveIntegerField(default=0, verbose_name="ditahan")),
                ("error", models.TextField(blank=True, default="", verbose_name="alasan")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="releases", to="evaluations.round")),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "get_latest_by": ["created_at", "pk"],
                "constraints": [
                    models.CheckConstraint(condition=Q(status__in=["DONE", "HELD", "FAILED"]), name="responserelease_status_valid")
                ],
            },
        ),
        migrations.CreateModel(
            name="PaperImport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("count", models.PositiveIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.round")),
                ("round_agency", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.roundagency")),
            ],
            options={
                "indexes": [models.Index(fields=["round", "round_agency"], name="surveys_pap_round_i_4e8a1b_idx")],
            },
        ),
        migrations.RunPython(backfill_paper_imports, migrations.RunPython.noop, atomic=True),
        migrations.RunPython(rewrite_draft_table, migrations.RunPython.noop, atomic=False),
    ]
