"""Chinese patent application numbers (CNIPA): parsing, the check character, one stored form.

Since 2003-10-01 an application number is ``YYYY`` (filing year) + a type digit +
a 7-digit serial, then ``.`` and a check character: ``202311432805.9``. Before
that it was ``YY`` + type digit + a 5-digit serial: ``95115608.X``. The check is
the sum of each digit times its weight (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5 from
the left) modulo 11, with 10 written ``X``. People type these with ``CN`` or
``ZL`` in front (a granted patent's number is ``ZL`` + the application number),
without the dot, with spaces, in full-width characters or with a lower-case x;
:func:`parse_application_number` accepts all of that and keeps one canonical form.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
FIRST_NEW_FORMAT_YEAR = 2003
OLD_FORMAT_YEARS = (1985, 2003)  # the 8-digit form ran from the first Patent Law to October 2003


class PatentType(models.TextChoices):
    INVENTION = "invention", gettext_lazy("invention")
    UTILITY_MODEL = "utility_model", gettext_lazy("utility model")
    DESIGN = "design", gettext_lazy("design")
    PCT_INVENTION = "pct_invention", gettext_lazy("invention (PCT national phase)")
    PCT_UTILITY_MODEL = "pct_utility_model", gettext_lazy("utility model (PCT national phase)")


TYPE_DIGITS = {
    "1": PatentType.INVENTION,
    "2": PatentType.UTILITY_MODEL,
    "3": PatentType.DESIGN,
    "8": PatentType.PCT_INVENTION,
    "9": PatentType.PCT_UTILITY_MODEL,
}

_PREFIX = re.compile(r"^(CN|ZL)")
# The usual written forms, for the API schema (ECMA-262 syntax): an optional CN or ZL, the digits with a valid type
# digit, an optional dot, the check character. The parser also takes spaces and full-width digits.
WRITTEN_FORM_PATTERN = r"^(?:[Cc][Nn]|[Zz][Ll])?(?:[0-9]{4}[12389][0-9]{7}|[0-9]{2}[12389][0-9]{5})\.?[0-9Xx]$"
_SEPARATOR = re.compile(r"[\s,，;；、]+")  # between the numbers of a list (in a list, a number has no spaces)


class InvalidPatentNumber(ValueError):
    """The text is not a valid application number; the message says why, in the user's language."""


def check_character(digits: str) -> str:
    """The check character for the digits of an application number (8 or 12 of them)."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


@dataclass(frozen=True, slots=True)
class ApplicationNumber:
    digits: str  # 8 (before 2003) or 12 digits, without the check character
    check: str

    @property
    def canonical(self) -> str:
        return f"{self.digits}.{self.check}"

    @property
    def patent_number(self) -> str:
        """The number a granted patent carries: ZL + the application number."""
        return f"ZL{self.canonical}"

    @property
    def is_old_format(self) -> bool:
        return len(self.digits) == 8

    @property
    def filing_year(self) -> int:
        if self.is_old_format:
            year = int(self.digits[:2])
            return 1900 + year if year >= OLD_FORMAT_YEARS[0] % 100 else 2000 + year
        return int(self.digits[:4])

    @property
    def type_digit(self) -> str:
        return self.digits[2] if self.is_old_format else self.digits[4]

    @property
    def patent_type(self) -> PatentType:
        return TYPE_DIGITS[self.type_digit]

    def __str__(self) -> str:
        return self.canonical


def normalize(text: str) -> str:
    """Full-width to ASCII, upper case, no spaces, no CN/ZL prefix; the dot is kept for the parser."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()
    return _PREFIX.sub("", compact)


def split_numbers(text: str) -> list[str]:
    """The numbers a text lists, as written: separated by spaces, line breaks, commas, semicolons or 、."""
    return [token for token in _SEPARATOR.split(unicodedata.normalize("NFKC", text or "")) if token]


# A pure function of its text, called several times for each patent an import writes (reading the row, looking the
# patent up, cleaning the model): the numbers parsed last are kept. Errors are not kept; they are raised afresh.
@lru_cache(maxsize=16384)
def parse_application_number(text: str) -> ApplicationNumber:
    """Parse any form people write an application number in; raise InvalidPatentNumber saying what is wrong."""
    compact = normalize(text)
    if not compact:
        raise InvalidPatentNumber(_("Enter a patent application number, for example 202311432805.9."))
    if compact.count(".") > 1:
        raise InvalidPatentNumber(_("An application number has at most one dot, before its check character."))
    if "." in compact:
        body, _dot, check = compact.partition(".")
        if len(check) != 1:
            raise InvalidPatentNumber(_("Only the check character may follow the dot of an application number."))
    elif compact.isdigit() and len(compact) in (8, 12):
        raise InvalidPatentNumber(
            _("The check character is missing: write it after a dot, e.g. %(number)s.")
            % {"number": f"{compact}.{check_character(compact)}"}
        )
    else:
        body, check = compact[:-1], compact[-1:]
    bad = sorted({char for char in body + check if not char.isdigit() and char != "X"})
    if bad:
        raise InvalidPatentNumber(
            _("An application number contains only digits and a check character (0-9 or X); found %(chars)s.")
            % {"chars": "、".join(bad)}
        )
    if "X" in body:
        raise InvalidPatentNumber(_("X may only appear as the last character (the check character)."))
    if len(body) not in (8, 12):
        raise InvalidPatentNumber(
            _(
                "An application number has 12 digits and a check character (8 and a check character before 2003); "
                "this one has %(count)d digits before the check character."
            )
            % {"count": len(body)}
        )
    number = ApplicationNumber(digits=body, check=check)
    if number.type_digit not in TYPE_DIGITS:
        raise InvalidPatentNumber(
            _(
                "Unknown patent type digit %(digit)s: it must be 1 (invention), 2 (utility model), 3 (design), "
                "8 or 9 (PCT national phase)."
            )
            % {"digit": number.type_digit}
        )
    year = number.filing_year
    if number.is_old_format and not OLD_FORMAT_YEARS[0] <= year <= OLD_FORMAT_YEARS[1]:
        raise InvalidPatentNumber(
            _("An 8-digit application number starts with a filing year from 85 to 03; this one starts with %(year)s.")
            % {"year": body[:2]}
        )
    if not number.is_old_format and not FIRST_NEW_FORMAT_YEAR <= year <= datetime.date.today().year + 1:
        raise InvalidPatentNumber(
            _(
                "A 12-digit application number starts with its filing year, 2003 or later; "
                "this one starts with %(year)s."
            )
            % {"year": year}
        )
    expected = check_character(body)
    if check != expected:
        raise InvalidPatentNumber(
            _("The check character is wrong: expected %(expected)s, got %(got)s.")
            % {"expected": expected, "got": check}
        )
    return number
