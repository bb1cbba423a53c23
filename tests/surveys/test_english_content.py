"""Survey content in English: items, options, scale labels and instructions carry an English text
shown when the interface is English, the Indonesian where the English is empty."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from surveys import selectors
from surveys.models import Item
from surveys.services import instruments as services
from surveys.services.instrument_excel import instrument_export_bytes, instrument_import
from tests.surveys.factories import default_instruments, engagement_instrument, open_round

pytestmark = pytest.mark.django_db


def test_the_default_instruments_carry_a_full_english_version():
    behaviour, engagement, selection = default_instruments()
    assert behaviour.items.count() == 21
    assert not behaviour.items.filter(text_en="").exists()
    assert not engagement.items.filter(text_en="").exists()
    assert not selection.options.filter(text_en="").exists()
    assert (
        behaviour.scale_labels_en[0] == "Strongly disagree" and len(behaviour.scale_labels_en) == 6
    )
    assert behaviour.items.get(code="AK3").text_en.startswith("I refuse to use my position")


def test_the_survey_speaks_the_readers_language(province):
    round = open_round(province, instruments=default_instruments())
    Item.objects.filter(instrument__code="keterikatan-pegawai", code="EE8").update(text_en="")
    with translation.override("en"):
        english = selectors.survey_for_round(round)
    with translation.override("id"):
        indonesian = selectors.survey_for_round(round)
    assert english.by_key["BP1"].label.startswith("I find out what the public")
    assert english.by_key["BP1"].scale[0] == (1, "Strongly disagree")
    assert indonesian.by_key["BP1"].label.startswith("Saya mencari tahu")
    assert indonesian.by_key["BP1"].scale[0] == (1, "Sangat tidak sesuai")
    assert english.by_key["EE8"].label.startswith("Saya akan merekomendasikan")  # no English
    engagement_page = next(p for p in english.pages if p.slug.startswith("keterikatan"))
    assert engagement_page.title == "Employee Engagement"
    assert ("AK-JUJUR", "Honest") in english.by_key["PERSONAL"].options
    # A value's page: its official name in both languages, its definition in the reader's.
    bp_en = next(p for p in english.pages if p.slug == "nilai-bp")
    bp_id = next(p for p in indonesian.pages if p.slug == "nilai-bp")
    assert bp_en.title == bp_id.title == "Berorientasi Pelayanan"
    assert bp_en.intro.startswith("Committed to excellent service")
    assert bp_id.intro.startswith("Komitmen memberikan pelayanan prima")


def test_the_values_page_gives_definitions_and_guides_in_english(client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("values_catalog"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Committed to excellent service" in page and "Help others learn" in page
    assert "Berorientasi Pelayanan" in page  # the name stays the official one


def test_item_form_saves_the_english_statement(client, province):
    instrument = engagement_instrument(n=1)
    client.force_login(province.admin.user)
    url = reverse("surveys:item_add", args=[instrument.pk])
    response = client.post(
        url, {"code": "EE9", "text": "Saya dihargai.", "text_en": "I am valued."}
    )
    assert response.status_code == 302
    assert instrument.items.get(code="EE9").text_en == "I am valued."


def test_scale_labels_in_english_must_cover_the_scale_and_bad_input_is_kept(client, province):
    instrument = engagement_instrument(n=1)
    client.force_login(province.admin.user)
    url = reverse("surveys:instrument_english", args=[instrument.pk])
    response = client.post(
        url, {"name_en": "Engagement", "description_en": "How true?", "scale_labels_en": "No\nYes"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Isi 6 label skala" in html and "Engagement" in html
    labels = "\n".join(["1", "2", "3", "4", "5", "6"])
    client.post(url, {"name_en": "Engagement", "description_en": "", "scale_labels_en": labels})
    instrument.refresh_from_db()
    assert instrument.name_en == "Engagement" and instrument.scale_labels_en[5] == "6"


def test_excel_round_trip_keeps_the_english_columns_and_older_files_still_import():
    instrument = engagement_instrument(n=2)
    instrument.items.filter(code="EE1").update(text_en="I am proud.")
    data = instrument_export_bytes(instrument)
    sheet = load_workbook(io.BytesIO(data))["Butir"]
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "pernyataan_en" and sheet.cell(2, 6).value == "I am proud."
    instrument.items.filter(code="EE1").update(text_en="")
    instrument_import(instrument=instrument, fileobj=io.BytesIO(data))
    assert instrument.items.get(code="EE1").text_en == "I am proud."
    sheet.delete_cols(6)  # an export made before the English columns existed
    book = sheet.parent
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    assert instrument_import(instrument=instrument, fileobj=buffer) == {"items": 2, "options": 0}
    assert instrument.items.get(code="EE1").text_en == ""


def test_a_new_version_keeps_the_english_texts():
    behaviour, _engagement, _selection = default_instruments()
    copy = services.instrument_new_version(instrument=behaviour)
    assert copy.name_en == "BerAKHLAK Behaviour"
    assert copy.items.get(code="BP1").text_en == behaviour.items.get(code="BP1").text_en
