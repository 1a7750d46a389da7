"""Identifier validators: unified social credit code and mainland mobile numbers.

Each normaliser accepts what people actually type (spaces, hyphens,
full-width characters, lower case) and returns the one stored form; each
validator says precisely what is wrong.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalize_credit_code(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]", "", text).upper()


def validate_credit_code(value: str) -> None:
    """Validate a unified social credit code (GB 32100-2015) in its stored form."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="credit_code_length",
            params={"count": len(code)},
        )
    bad = sorted({c for c in code if c not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s (the letters I, O, S, V and Z are never used)."),
            code="credit_code_characters",
            params={"chars": "、".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the area code and must be digits."),
            code="credit_code_area",
        )
    expected = uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong: expected %(expected)s, got %(got)s."),
            code="credit_code_checksum",
            params={"expected": expected, "got": code[17]},
        )


def normalize_phone(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")
    text = re.sub(r"[\s\-()]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def validate_phone(value: str) -> None:
    if not _PHONE.match(normalize_phone(value)):
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 1, e.g. 13812345678."),
            code="invalid_phone",
        )


def looks_like_phone(value: str) -> bool:
    return bool(_PHONE.match(normalize_phone(value)))
