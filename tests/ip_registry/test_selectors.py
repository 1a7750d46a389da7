"""patents_for_numbers: the one way a typed patent number becomes a registry patent (form, API, import)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ip_registry.numbers import check_character, split_numbers
from ip_registry.selectors import patents_for_numbers
from tests.factories import make_patent, university_in

pytestmark = pytest.mark.django_db


def messages(numbers, organisation) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        patents_for_numbers(numbers=numbers, organisation=organisation)
    return refused.value.messages


def test_numbers_in_any_form_give_the_patents_in_the_order_typed_each_once():
    fudan = university_in("310000", name_zh="复旦大学")
    first, second = make_patent(fudan), make_patent(fudan)
    typed = [
        f"ZL{second.application_number}",
        " ",
        first.application_number.replace(".", ""),
        second.application_number,
    ]

    assert patents_for_numbers(numbers=typed, organisation=fudan) == [second, first]
    assert patents_for_numbers(numbers=[], organisation=fudan) == []


def test_every_bad_number_is_named():
    fudan = university_in("310000", name_zh="复旦大学")
    nju = university_in("320000", name_zh="南京大学")
    foreign = make_patent(nju)
    unknown = "202410000001." + check_character("202410000001")

    found = messages(["201710601862.4", unknown, foreign.application_number], fudan)

    assert found[0].startswith("201710601862.4: ") and "check character" in found[0]
    assert found[1] == f"Not in the registry: {unknown}. Register the patent first or check the number."
    assert found[2] == (
        f"复旦大学 is not a right holder of patent {foreign.application_number} in the registry, so it cannot list it."
    )


def test_without_an_organisation_any_holder_will_do():
    patent = make_patent(university_in("320000", name_zh="南京大学"))

    assert patents_for_numbers(numbers=[patent.application_number], organisation=None) == [patent]


def test_a_typed_list_is_split_at_spaces_commas_semicolons_and_the_enumeration_comma():
    assert split_numbers("202311432805.9，201080063196.9；2021 1\n2022、") == [
        "202311432805.9",
        "201080063196.9",
        "2021",
        "1",
        "2022",
    ]
