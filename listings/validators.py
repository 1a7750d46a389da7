"""Rules on a listing's patents and deal terms, shared by the services, forms, admin and API."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ip_registry.validators import validate_patents_held

from .choices import PATENT_KINDS, DealMode, ListingKind

# An open licence cannot stand beside an exclusive or sole licence (Patent Law art. 50 and its regulations).
OPEN_LICENCE_CONFLICTS = (DealMode.EXCLUSIVE_LICENCE, DealMode.SOLE_LICENCE)


def validate_listing_patents(*, kind: str, organisation, patents: Sequence) -> None:
    """A patent listing names its patents, and the listing organisation holds every one of them."""
    errors = []
    if kind == ListingKind.PATENT and len(patents) != 1:
        errors.append(_("A single-patent listing names exactly one patent from the registry."))
    elif kind == ListingKind.PORTFOLIO and len(patents) < 2:
        errors.append(_("A patent portfolio names at least two patents from the registry."))
    if organisation is not None and patents:
        try:
            validate_patents_held(organisation=organisation, patents=patents)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"patents": errors})


def validate_deal_modes(*, kind: str, modes: Iterable[str]) -> None:
    modes = list(modes)
    errors = []
    if not modes:
        errors.append(_("Offer the listing in at least one way (assignment, a licence, ...)."))
    if len(set(modes)) != len(modes):
        errors.append(_("Each deal mode may be offered once."))
    if DealMode.OPEN_LICENCE in modes:
        if kind not in PATENT_KINDS:
            errors.append(_("Open licences exist for patents only."))
        if any(mode in OPEN_LICENCE_CONFLICTS for mode in modes):
            errors.append(
                _(
                    "An open licence cannot be offered together with an exclusive or sole licence: "
                    "choose one or the other."
                )
            )
    if errors:
        raise ValidationError({"deal_terms": errors})
