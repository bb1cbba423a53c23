"""The accessible markup behind the browser checks: statement page, error ids and summary, no
control acting on change, named scroll regions, the chart's table, hidden cells, full pages."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.template import engines
from django.urls import reverse

from berakhlak.views.accessibility import AXE_CORE_VERSION
from reports.charts import Bar, bar_chart_table, heatmap_cells
from reports.notes import note_text
from tests.a11y.axe import AXE_JS
from tests.reports.factories import survey_round

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_the_statement_names_the_vendored_axe_release():
    header = AXE_JS.read_text(encoding="utf-8")[:200]
    assert f"axe v{AXE_CORE_VERSION}" in header


def test_statement_is_public_linked_from_the_footer_and_translated(client, db, settings):
    settings.ACCESSIBILITY_CONTACT = "akses@example.go.id"
    home = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("accessibility")}"' in home
    text = client.get(reverse("accessibility")).content.decode()
    assert "Pernyataan aksesibilitas" in text and "WCAG" in text
    assert f"axe-core {AXE_CORE_VERSION}" in text and "1280" in text and "320" in text
    assert 'href="mailto:akses@example.go.id"' in text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("accessibility")).content.decode()
    assert "Accessibility statement" in english and "How to report a problem" in english


def test_a_refused_login_ties_each_error_to_its_field_and_sums_them_up(client, db):
    text = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    summary = re.search(r'<div class="alert alert-danger error-summary"[^>]*>', text)
    assert summary and 'tabindex="-1"' in summary.group(0) and "data-error-summary" in text
    assert 'href="#id_username"' in text and 'href="#id_password"' in text
    field = re.search(r"<input[^>]*id=\"id_username\"[^>]*>", text).group(0)
    assert "id_username_error" in field and 'aria-invalid="true"' in field
    assert 'id="id_username_error"' in text


def test_no_control_navigates_or_submits_on_change():
    for path in [*TEMPLATES.rglob("*.html"), Path("static/js/app.js")]:
        source = path.read_text(encoding="utf-8")
        assert "data-autosubmit" not in source and "data-navigate" not in source, path


def test_scroll_regions_are_focusable_and_named():
    html = (
        engines["django"]
        .from_string(
            '{% scroll_region "Daftar" region_id="x" %}<table></table>{% endscroll_region %}'
        )
        .render({})
    )
    assert html == (
        '<div id="x" class="table-responsive" tabindex="0" role="region" aria-label="Daftar">'
        "<table></table></div>"
    )
    for path in TEMPLATES.rglob("*.html"):
        assert 'class="table-responsive' not in path.read_text(encoding="utf-8"), path


def test_the_values_chart_has_a_table_of_values_and_bands():
    html = bar_chart_table(
        [Bar("Akuntabel", Decimal("72.5"), "B"), Bar("Loyal", None, note="disembunyikan")],
        title="Tujuh nilai dasar",
    )
    assert '<div class="visually-hidden"><table><caption>Tujuh nilai dasar</caption>' in html
    assert '<th scope="row">Akuntabel</th><td>72,5</td><td>B</td>' in html
    assert '<th scope="row">Loyal</th><td>disembunyikan</td><td>–</td>' in html


def test_a_hidden_heat_map_cell_is_read_with_its_reason():
    # the stored reason is a code; the cell says it in words (reports.notes)
    hidden = SimpleNamespace(
        suppressed=True, value=None, band="", reason_text=note_text("SMALL:5"), reason="SMALL:5"
    )
    html = heatmap_cells([hidden, None], hidden="disembunyikan")
    assert '<span class="visually-hidden">disembunyikan: kurang dari 5 responden</span>' in html
    assert '<span aria-hidden="true">·</span>' in html and "aria-label" not in html


def test_the_round_picker_is_a_form_with_a_button(client, province):
    client.force_login(province.admin.user)
    response = client.get(reverse("reports:dashboard"), {"putaran": "7"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard_round", args=[7])


def test_the_index_panel_without_javascript_is_a_whole_page(client, province):
    round = survey_round(province)
    client.force_login(province.admin.user)
    url = reverse("reports:index_panel", args=[round.pk])
    page = client.get(url).content.decode()
    assert page.startswith("<!doctype html>") and '<html lang="id">' in page
    assert re.search(r"<title>Indeks · .+</title>", page) and 'data-testid="index-panel"' in page
    assert "<html" not in client.get(url, HTTP_HX_REQUEST="true").content.decode()
