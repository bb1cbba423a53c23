"""Instrument editing: items, order, reverse scoring, versions, Excel, and freezing on open."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from berakhlak.models import BehaviourGuide
from berakhlak.refusals import Refused
from surveys.models import Instrument
from surveys.services import instruments as services
from surveys.services.instrument_excel import (
    InstrumentImportError,
    instrument_export_bytes,
    instrument_import,
)
from tests.surveys.factories import (
    behaviour_instrument,
    engagement_instrument,
    open_round,
    selection_instrument,
)

pytestmark = pytest.mark.django_db


def codes(instrument) -> list[str]:
    return list(instrument.items.order_by("order").values_list("code", flat=True))


def test_add_move_reverse_and_delete_items():
    instrument = engagement_instrument(n=3)
    services.item_create(instrument=instrument, code="EE9", text="Saya merasa dihargai.")
    assert codes(instrument) == ["EE1", "EE2", "EE3", "EE9"]
    item = instrument.items.get(code="EE9")
    services.item_move(item=item, step=-1)
    services.item_move(item=item, step=-1)
    assert codes(instrument) == ["EE1", "EE9", "EE2", "EE3"]
    services.item_reverse_toggle(item=item)
    assert instrument.items.get(code="EE9").reverse
    services.item_delete(item=instrument.items.get(code="EE1"))
    assert codes(instrument) == ["EE9", "EE2", "EE3"]
    assert list(instrument.items.order_by("order").values_list("order", flat=True)) == [1, 2, 3]


def test_duplicate_code_and_missing_guide_are_refused():
    instrument = behaviour_instrument()
    with pytest.raises(ValidationError) as error:
        services.item_create(instrument=instrument, code="bp1", text="Teks", guide=None)
    assert "sudah dipakai" in str(error.value.message_dict["code"])
    assert "panduan perilaku" in str(error.value.message_dict["guide"])


def test_every_write_is_refused_once_a_round_using_it_opens(province):
    instrument = behaviour_instrument()
    open_round(province, instruments=[instrument])
    instrument.refresh_from_db()
    assert instrument.is_frozen
    item = instrument.items.first()
    guide = BehaviourGuide.objects.first()
    attempts = [
        lambda: services.item_create(instrument=instrument, code="X1", text="x", guide=guide),
        lambda: services.item_update(item=item, code=item.code, text="lain", guide=guide),
        lambda: services.item_delete(item=item),
        lambda: services.item_move(item=item, step=1),
        lambda: services.item_reverse_toggle(item=item),
        lambda: instrument_import(
            instrument=instrument, fileobj=io.BytesIO(instrument_export_bytes(instrument))
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Refused, match="dibekukan"):
            attempt()
    assert instrument.items.count() == 21


def test_new_version_copies_items_and_is_editable(province):
    instrument = behaviour_instrument(reverse=("AK3",))
    open_round(province, instruments=[instrument])
    copy = services.instrument_new_version(instrument=Instrument.objects.get(pk=instrument.pk))
    assert (copy.code, copy.version, copy.is_frozen) == (instrument.code, 2, False)
    assert codes(copy) == codes(instrument)
    assert copy.items.get(code="AK3").reverse
    services.item_update(
        item=copy.items.get(code="BP1"),
        code="BP1",
        text="Teks baru",
        guide=BehaviourGuide.objects.get(code="BP1"),
    )
    assert instrument.items.get(code="BP1").text != "Teks baru"


def test_excel_round_trip_keeps_everything():
    instrument = behaviour_instrument(reverse=("HA2",))
    data = instrument_export_bytes(instrument)
    target = behaviour_instrument()
    assert instrument_import(instrument=target, fileobj=io.BytesIO(data)) == {
        "items": 21,
        "options": 0,
    }
    assert codes(target) == codes(instrument)
    assert target.items.get(code="HA2").reverse and not target.items.get(code="HA1").reverse


def test_excel_round_trip_of_selection_options():
    instrument = selection_instrument(k=3)
    target = selection_instrument(k=3)
    target.options.all().delete()
    instrument_import(instrument=target, fileobj=io.BytesIO(instrument_export_bytes(instrument)))
    assert target.options.count() == instrument.options.count()
    assert target.options.filter(limiting=True).count() == 2


def bad_workbook() -> io.BytesIO:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Butir"
    ws.append(["kode", "urutan", "pernyataan", "panduan", "terbalik"])
    ws.append(["BP1", 1, "Satu", "BP1", "tidak"])
    ws.append(["BP1", 2, "Dua", "BP2", "tidak"])
    ws.append(["BP3", 3, "", "ZZ9", "mungkin"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_bad_excel_lists_row_errors_and_changes_nothing():
    instrument = behaviour_instrument()
    before = codes(instrument)
    with pytest.raises(InstrumentImportError) as error:
        instrument_import(instrument=instrument, fileobj=bad_workbook())
    text = "\n".join(str(p) for p in error.value.problems)
    assert "baris 3, kolom kode: Kode BP1 dipakai dua kali (juga di baris 2)" in text
    assert "baris 4, kolom pernyataan: Pernyataan wajib diisi." in text
    assert "baris 4, kolom panduan: Panduan perilaku ZZ9 tidak dikenal" in text
    assert "baris 4, kolom terbalik" in text
    assert codes(instrument) == before


def test_formula_like_text_is_exported_as_text():
    instrument = engagement_instrument(n=1)
    item = instrument.items.get()
    item.text = '=HYPERLINK("http://contoh")'
    item.save()
    workbook = load_workbook(io.BytesIO(instrument_export_bytes(instrument)))
    cell = workbook["Butir"]["C2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_admin_pages(client, province):
    instrument = engagement_instrument(n=2)
    client.force_login(province.admin.user)
    assert client.get(reverse("surveys:instrument_list")).status_code == 200
    assert (
        "EE2"
        in client.get(reverse("surveys:instrument_detail", args=[instrument.pk])).content.decode()
    )
    response = client.post(
        reverse("surveys:item_add", args=[instrument.pk]), {"code": "EE1", "text": "Teks saya"}
    )
    html = response.content.decode()
    assert "sudah dipakai" in html and "Teks saya" in html
    client.post(reverse("surveys:item_add", args=[instrument.pk]), {"code": "EE7", "text": "Baru"})
    item = instrument.items.get(code="EE7")
    partial = client.post(
        reverse("surveys:item_action", args=[instrument.pk, item.pk]),
        {"action": "up"},
        HTTP_HX_REQUEST="true",
    )
    assert "<html" not in partial.content.decode()
    assert codes(instrument) == ["EE1", "EE7", "EE2"]
    export = client.get(reverse("surveys:instrument_export", args=[instrument.pk]))
    assert export["Content-Disposition"].startswith("attachment;")
    upload = bad_workbook()
    upload.name = "butir.xlsx"
    response = client.post(
        reverse("surveys:instrument_upload", args=[instrument.pk]), {"file": upload}
    )
    assert 'data-testid="instrument-errors"' in response.content.decode()


def test_frozen_instrument_page_says_why_and_offers_a_new_version(client, province):
    instrument = behaviour_instrument()
    open_round(province, instruments=[instrument])
    client.force_login(province.admin.user)
    html = client.get(reverse("surveys:instrument_detail", args=[instrument.pk])).content.decode()
    assert 'data-testid="frozen"' in html and "Buat versi baru" in html
    item = instrument.items.first()
    response = client.post(
        reverse("surveys:item_action", args=[instrument.pk, item.pk]),
        {"action": "delete"},
        follow=True,
    )
    assert "dibekukan" in response.content.decode()
    assert instrument.items.count() == 21
    response = client.post(reverse("surveys:instrument_version", args=[instrument.pk]), follow=True)
    assert "Versi 2 dibuat" in response.content.decode()


@pytest.mark.parametrize("who", ["leader_a", "agent_a", "evaluator", "asn_a"])
def test_instrument_pages_are_404_for_non_admins(client, province, who):
    instrument = engagement_instrument(n=1)
    item = instrument.items.get()
    client.force_login(getattr(province, who).user)
    for url in (
        reverse("surveys:instrument_list"),
        reverse("surveys:instrument_detail", args=[instrument.pk]),
        reverse("surveys:item_add", args=[instrument.pk]),
        reverse("surveys:item_edit", args=[instrument.pk, item.pk]),
        reverse("surveys:instrument_export", args=[instrument.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("surveys:item_action", args=[instrument.pk, item.pk]), {"action": "delete"}
        ).status_code
        == 404
    )
    assert instrument.items.count() == 1
