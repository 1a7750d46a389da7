"""Patent application numbers: every written form parses to one canonical number; mistakes are named."""

import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ip_registry.numbers import InvalidPatentNumber, PatentType, check_character, parse_application_number

REAL_NUMBERS = [
    ("200710308494.X", 2007, PatentType.INVENTION),
    ("201080063196.9", 2010, PatentType.PCT_INVENTION),
    ("201710601862.3", 2017, PatentType.INVENTION),
    ("202311432805.9", 2023, PatentType.INVENTION),
    ("202211640990.6", 2022, PatentType.INVENTION),
    ("95115608.X", 1995, PatentType.INVENTION),
    ("97101765.4", 1997, PatentType.INVENTION),
]


@pytest.mark.parametrize(("text", "year", "patent_type"), REAL_NUMBERS)
def test_real_numbers_parse(text, year, patent_type):
    number = parse_application_number(text)
    assert number.canonical == text
    assert number.filing_year == year
    assert number.patent_type == patent_type


@pytest.mark.parametrize(
    "text",
    [
        "202311432805.9",
        "2023114328059",
        "CN202311432805.9",
        "ZL202311432805.9",
        "zl 2023 1143 2805.9",
        "CN 202311432805 . 9",
        "ＺＬ２０２３１１４３２８０５．９",
        " 202311432805.9\n",
    ],
)
def test_every_written_form_gives_the_canonical_number(text):
    assert parse_application_number(text).canonical == "202311432805.9"


@pytest.mark.parametrize("text", ["200710308494.x", "200710308494x", "200710308494.Ｘ", "ZL200710308494X"])
def test_check_x_in_any_case_or_width(text):
    assert parse_application_number(text).canonical == "200710308494.X"


def test_granted_patent_number_is_zl_plus_application_number():
    assert parse_application_number("CN202311432805.9").patent_number == "ZL202311432805.9"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a patent application number"),
        ("202311432805.8", "expected 9, got 8"),
        ("200710308494.5", "expected X, got 5"),
        ("202311432805", "check character is missing"),
        ("20231143280.5", "11 digits before the check character"),
        ("2023114328051.5", "13 digits before the check character"),
        ("202341432805.9", "Unknown patent type digit 4"),
        ("199011432805.9", "2003 or later"),
        ("80115608.X", "from 85 to 03"),
        ("2023X1432805.9", "X may only appear as the last character"),
        ("2023-1143-2805.9", "found -"),
        ("2023.1143.2805.9", "at most one dot"),
        ("202311432805.99", "Only the check character may follow the dot"),
    ],
)
def test_mistakes_are_named(text, message):
    with translation.override("en"), pytest.raises(InvalidPatentNumber, match=message):
        parse_application_number(text)


def test_messages_are_in_the_users_language():
    with translation.override("zh-hans"), pytest.raises(InvalidPatentNumber, match="校验位错误"):
        parse_application_number("202311432805.8")


# Property-based: numbers built from a valid year, a type digit and any serial.
years = st.integers(min_value=2003, max_value=datetime.date.today().year)
type_digits = st.sampled_from("12389")
serials = st.integers(min_value=0, max_value=9_999_999)


@given(years, type_digits, serials)
def test_any_number_with_its_computed_check_parses_and_round_trips(year, type_digit, serial):
    digits = f"{year}{type_digit}{serial:07d}"
    canonical = f"{digits}.{check_character(digits)}"
    number = parse_application_number(canonical)
    assert number.canonical == canonical
    assert number.filing_year == year
    assert parse_application_number(f"ZL {digits}{number.check.lower()}").canonical == canonical
    assert parse_application_number(number.canonical).canonical == canonical


@given(years, type_digits, serials, st.sampled_from("0123456789X"))
def test_any_other_check_character_fails(year, type_digit, serial, check):
    digits = f"{year}{type_digit}{serial:07d}"
    if check == check_character(digits):
        check = "X" if check == "0" else "0"
    with (
        translation.override("en"),
        pytest.raises(InvalidPatentNumber, match=f"expected {check_character(digits)}, got {check}"),
    ):
        parse_application_number(f"{digits}.{check}")


@given(st.integers(min_value=85, max_value=102), st.sampled_from("1238"), st.integers(min_value=0, max_value=99_999))
def test_old_eight_digit_numbers_round_trip(year, type_digit, serial):
    digits = f"{year % 100:02d}{type_digit}{serial:05d}"
    number = parse_application_number(f"{digits}{check_character(digits)}")
    assert number.canonical == f"{digits}.{check_character(digits)}"
    assert number.filing_year == 1900 + year if year < 100 else 2000 + year % 100
    assert number.is_old_format
