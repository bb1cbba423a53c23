"""NIP validation, as property tests."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from berakhlak.nip import nip_format, nip_normalise, nip_problems

birth_dates = st.dates(min_value=date(1960, 1, 1), max_value=date(2004, 12, 31))


@st.composite
def valid_nips(draw):
    born = draw(birth_dates)
    tmt_year = draw(st.integers(min_value=born.year + 18, max_value=min(born.year + 40, 2025)))
    tmt_month = draw(st.integers(min_value=1, max_value=12))
    gender = draw(st.sampled_from("12"))
    seq = draw(st.integers(min_value=1, max_value=999))
    return f"{born:%Y%m%d}{tmt_year:04d}{tmt_month:02d}{gender}{seq:03d}"


@given(valid_nips())
def test_valid_nips_are_accepted_for_every_asn_type(nip):
    for asn_type in (None, "PNS", "CPNS", "PPPK", "PPPK_PARUH_WAKTU"):
        assert nip_problems(nip, asn_type) == []


@given(valid_nips())
def test_display_format_round_trips(nip):
    shown = nip_format(nip)
    assert shown.count(" ") == 3
    assert nip_normalise(shown) == nip
    assert nip_normalise(shown.replace(" ", ".")) == nip


@given(valid_nips(), st.integers(min_value=1, max_value=30).filter(lambda n: n != 18))
def test_wrong_length_is_refused(nip, length):
    candidate = (nip * 2)[:length]
    assert nip_problems(candidate)


@given(valid_nips(), st.sampled_from("0345789"))
def test_gender_digit_must_be_1_or_2(nip, digit):
    assert any("jenis kelamin" in p for p in nip_problems(nip[:14] + digit + nip[15:]))


@given(valid_nips(), st.sampled_from(["0230", "1332", "0000", "0631", "1100"]))
def test_impossible_birth_dates_are_refused(nip, month_day):
    bad = nip[:4] + month_day + nip[8:]
    assert any("Tanggal lahir" in p for p in nip_problems(bad))


def test_future_birth_date_is_refused():
    future = date.today() + timedelta(days=400)
    assert nip_problems(f"{future:%Y%m%d}2015051001")


@given(valid_nips(), st.sampled_from(["00", "13", "99"]))
def test_bad_tmt_month_is_refused_for_pns_but_not_pppk(nip, month):
    bad = nip[:12] + month + nip[14:]
    assert any("TMT" in p for p in nip_problems(bad, "PNS"))
    assert nip_problems(bad, "PPPK") == []


@given(st.text(min_size=18, max_size=18).filter(lambda s: not s.isdigit()))
def test_non_digits_are_refused(text):
    assert nip_problems(text)
