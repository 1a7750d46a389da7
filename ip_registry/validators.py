"""Validators of the registry: application numbers, IPC codes, and who holds a patent."""

import re
import unicodedata
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def validate_patents_held(*, organisation, patents: Sequence) -> None:
    """The organisation is a right holder of every one of the patents now; else the message names the others.

    One rule for everything that offers a patent in an organisation's name (the listing form, the API, the
    import and the listing service behind them all).
    """
    held = set(
        organisation.patent_holdings.filter(patent__in=[p.pk for p in patents]).values_list("patent_id", flat=True)
    )
    foreign = [p.application_number for p in patents if p.pk not in held]
    if foreign:
        raise ValidationError(
            ngettext(
                "%(org)s is not a right holder of patent %(numbers)s in the registry, so it cannot list it.",
                "%(org)s is not a right holder of patents %(numbers)s in the registry, so it cannot list them.",
                len(foreign),
            )
            % {"org": organisation.name_zh, "numbers": "、".join(foreign)},
            code="not_held",
        )
