"""Rules on a listing's patents and deal terms, shared by the services, forms, admin and API."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ip_registry.selectors import open_licence_terms_text, open_licences_in_force
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


# Deal modes a co-owner cannot offer alone: every co-owner consents (Patent Law art. 14).
CO_OWNERS_CONSENT_MODES = (DealMode.ASSIGNMENT, DealMode.EXCLUSIVE_LICENCE, DealMode.SOLE_LICENCE)


def _numbers(patents: Iterable) -> str:
    return "、".join(patent.application_number for patent in patents)


def published_open_licence_terms(*, patents: Sequence, on: datetime.date | None = None) -> str:
    """The fee the registry publishes for the patents' open licence declarations in force (each wording once)."""
    declared = open_licences_in_force(patents, on or timezone.localdate())
    texts: list[str] = []
    for patent in patents:
        entry = declared.get(patent.pk)
        text = open_licence_terms_text(entry.details) if entry is not None else ""
        if text and text not in texts:
            texts.append(text)
    return "；".join(texts)


def co_owners(*, organisation, patents: Sequence) -> list[str]:
    """The names of the registry's other right holders of the patents (each once), for the consent the listing
    names."""
    from ip_registry.models import RightHolder

    holders = (
        RightHolder.objects.filter(patent__in=[patent.pk for patent in patents])
        .exclude(organisation=organisation)
        .select_related("organisation")
        .order_by("patent_id", "position")
    )
    names: list[str] = []
    for holder in holders:
        if holder.organisation.name_zh not in names:
            names.append(holder.organisation.name_zh)
    return names


def validate_registry_terms(
    *,
    organisation,
    patents: Sequence,
    modes: Iterable[str],
    co_owner_consent: bool,
    on: datetime.date | None = None,
) -> None:
    """What the registry allows a listing to offer, checked the same way for the form, the API, the import and the
    admin: an open licence only for patents whose declaration is in force (专利法第五十条), no exclusive or sole
    licence while one is (专利法第五十一条), and for co-owned patents an assignment or an exclusive or sole licence
    only with every co-owner's consent named on the listing (专利法第十四条)."""
    modes = set(modes)
    patents = list(patents)
    if not patents:
        return
    declared = open_licences_in_force(patents, on or timezone.localdate())
    errors: dict[str, list[str]] = {}
    if DealMode.OPEN_LICENCE in modes:
        undeclared = [patent for patent in patents if patent.pk not in declared]
        if undeclared:
            errors.setdefault("deal_terms", []).append(
                _(
                    "An open licence can be offered only for patents whose open licence declaration is in force on "
                    "the registry (专利法第五十条); %(numbers)s has none."
                )
                % {"numbers": _numbers(undeclared)}
            )
    if modes & set(OPEN_LICENCE_CONFLICTS) and declared:
        errors.setdefault("deal_terms", []).append(
            _(
                "An exclusive or sole licence cannot be offered while an open licence is declared for %(numbers)s "
                "(专利法第五十一条)."
            )
            % {"numbers": _numbers(patent for patent in patents if patent.pk in declared)}
        )
    if modes & set(CO_OWNERS_CONSENT_MODES) and not co_owner_consent:
        names = co_owners(organisation=organisation, patents=patents)
        if names:
            errors.setdefault("co_owner_consent", []).append(
                _(
                    "These patents are co-owned with %(names)s: an assignment or an exclusive or sole licence needs "
                    "every co-owner's consent (专利法第十四条). Confirm on the listing that they consent, or offer "
                    "other deal modes."
                )
                % {"names": "、".join(names)}
            )
    if errors:
        raise ValidationError(errors)
