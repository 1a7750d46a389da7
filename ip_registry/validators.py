"""Field validators of the registry: application numbers and IPC codes."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .numbers import InvalidPatentNumber, parse_application_number

# WIPO ST.8: section A-H, two-digit class, subclass letter, then main group (1-4 digits) / subgroup (2-6 digits).
_IPC = re.compile(r"^(?P<subclass>[A-H]\d{2}[A-Z])(?P<group>\d{1,4})/(?P<subgroup>\d{2,6})$")


def validate_application_number(value: str) -> None:
    try:
        parse_application_number(value)
    except InvalidPatentNumber as error:
        raise ValidationError(str(error), code="patent_number") from None


def normalize_ipc(value: str) -> str:
    """``h01m10/0525`` or ``H01M 10/0525`` -> ``H01M 10/0525``; unparseable input comes back cleaned but unchanged."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()
    match = _IPC.match(compact)
    if not match:
        return compact
    return f"{match['subclass']} {int(match['group'])}/{match['subgroup']}"


def validate_ipc(value: str) -> None:
    if not _IPC.match(re.sub(r"\s+", "", normalize_ipc(value))):
        raise ValidationError(
            _(
                "%(code)s is not an IPC code in WIPO ST.8 form: a section letter A-H, two digits, a letter, "
                "then group/subgroup, e.g. H01M 10/0525."
            ),
            code="ipc",
            params={"code": value},
        )


def validate_ipc_list(values) -> None:
    if not isinstance(values, list):
        raise ValidationError(_("IPC codes must be a list."), code="ipc")
    errors = []
    for value in values:
        try:
            validate_ipc(value)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
