"""The province report of a wide tree: the PDF's per-agency tables are capped (best and worst
rows, a sentence pointing to the Excel workbook), the workbook keeps every row."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluations.models import RoundAgency
from reports.dashboard.scope import UNIT_CODES
from reports.printing.context import PDF_ROWS, report_data
from reports.printing.pdf import report_html
from reports.printing.services import report_bytes
from reports.selectors import pages as selectors_pages
from tests.reports.factories import survey_round
from tests.reports.pages import agencies_add, figures_write

pytestmark = pytest.mark.django_db
OPDS = 120


@pytest.fixture
def wide(province):
    agencies_add(province.root, OPDS, prefix="OPD")
    round = survey_round(province)
    figures_write(round)
    return round


def test_the_pdf_prints_the_best_and_the_worst_of_a_wide_level(wide):
    data = report_data(round=wide, agency=None, published_only=False)
    total = OPDS + 3
    assert data.units.total == total and len(data.units.top) == PDF_ROWS
    assert 0 < len(data.units.bottom) <= PDF_ROWS
    assert data.units.left_out == total - len(data.units.top) - len(data.units.bottom)
    # Places run 1..N at the top and end at the last ranked unit at the bottom.
    assert [u.position for u in data.units.top] == list(range(1, PDF_ROWS + 1))
    ranked = selectors_pages.level_page(
        data.run, parent_id=data.root_id, codes=UNIT_CODES, with_ranked=True, limit=1
    ).ranked
    assert data.units.bottom[-1].position == ranked
    worst = [u.index.value for u in data.units.bottom]
    assert worst == sorted(worst, reverse=True)  # still best first within the bottom block
    assert len(data.participation.top) == PDF_ROWS

    html = report_html(data)
    assert html.count('data-testid="capped-note"') == 2
    assert "daftar lengkap ada di buku kerja Excel" in html
    content = report_bytes(round=wide, agency=None, format="pdf", published_only=False)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    assert pages <= 14  # a few pages, however many OPDs
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert data.units.top[0].row.agency.name in text
    printed = {r.row.agency.code for r in (*data.participation.top, *data.participation.bottom)}
    printed |= {u.row.agency.code for u in (*data.units.top, *data.units.bottom)}
    left_out = RoundAgency.objects.filter(round=wide, depth=1).exclude(code__in=printed).first()
    assert left_out is not None and left_out.name not in text


def test_the_workbook_keeps_every_unit(wide):
    workbook = load_workbook(
        io.BytesIO(report_bytes(round=wide, agency=None, format="xlsx", published_only=False))
    )
    ranking = list(workbook["Per OPD"].iter_rows(min_row=2, values_only=True))
    assert len(ranking) == OPDS + 3
    assert [row[0] for row in ranking] == list(range(1, OPDS + 4))
    rates = list(workbook["Tingkat Respons"].iter_rows(min_row=2, values_only=True))
    assert len(rates) == OPDS + 3


def test_a_narrow_level_prints_whole(province):
    round = survey_round(province)
    figures_write(round)
    data = report_data(round=round, agency=None, published_only=False)
    assert data.units.bottom == [] and data.units.left_out == 0
    assert {u.row.agency.code for u in data.units.top} == {"DINKES", "DISDIK", "BIRO-ORG"}
    assert 'data-testid="capped-note"' not in report_html(data)


def test_an_agency_report_has_its_own_row_first(province):
    round = survey_round(province)
    figures_write(round)
    dinkes = RoundAgency.objects.get(round=round, code="DINKES")
    data = report_data(round=round, agency=dinkes, published_only=False)
    assert data.own_participation.row.agency == dinkes
    assert [r.row.agency.code for r in data.participation.top] == ["UPTD-LAB"]
