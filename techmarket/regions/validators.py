"""Validators for GB/T 2260 codes, shared by every model and form that stores one."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import gbt2260


def validate_province_code(value: str) -> None:
    if not gbt2260.is_province(value) or not gbt2260.get_division(value).current:
        raise ValidationError(
            _("%(code)s is not a current province code (GB/T 2260, e.g. 310000 for Shanghai)."),
            code="invalid_province",
            params={"code": value},
        )


def validate_city_in_province(city_code: str, province_code: str) -> None:
    if city_code and not gbt2260.is_city_of(city_code, province_code):
        raise ValidationError(
            _("%(city)s is not a city of %(province)s."),
            code="city_not_in_province",
            params={"city": gbt2260.division_name(city_code), "province": gbt2260.division_name(province_code)},
        )
