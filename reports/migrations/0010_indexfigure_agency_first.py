"""The figure's unique index in the order the compute writes a run (run, agency, then the rest),
and a partial index by code for the few rows the pages rank a level by.

With the code before the agency, each run's ~107,000 rows went in across the middle of the index
(one insertion point per scope, breakdown and code); agency first, they go in at its end. The
pages, which read a level's ranking figures by code through the old order, get an index of those
rows only (13% of a run). On a national table of 3,000,000 rows the COPY of one run took 708 ms
before and 425 ms after (docs/ARCHITECTURE.md §7.2). The indexes are rebuilt: the table is
locked meanwhile.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_instrument_quality_job")]

    operations = [
        migrations.RemoveConstraint(model_name="indexfigure", name="indexfigure_unique_figure"),
        migrations.AddConstraint(
            model_name="indexfigure",
            constraint=models.UniqueConstraint(
                fields=("run", "round_agency", "scope", "dimension", "dimension_key", "code"),
                name="indexfigure_unique_figure",
            ),
        ),
        migrations.AddIndex(
            model_name="indexfigure",
            index=models.Index(
                condition=models.Q(code__in=("COMPOSITE", "INDIVIDUAL", "RESPONSE_RATE")),
                fields=["run", "scope", "dimension", "dimension_key", "code"],
                name="indexfigure_ranked",
            ),
        ),
    ]
