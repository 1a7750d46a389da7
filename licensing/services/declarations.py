"""Open licence declarations (专利开放许可声明): written by the patentee's administrator, consented to by every
co-owner and pledgee, put on the registry when the last consent is in, withdrawn in writing.

The registry keeps the law's refusals (:func:`ip_registry.services.open_licence_check`): a declaration the registry
would refuse is refused when it is written, with the registry's reason, and checked again under the patent's lock
when it takes effect. Taking effect and withdrawal lock the declaration row first; the service that grants licences
under a declaration locks the same row first and checks its status, so a licence racing a withdrawal is either
granted before it or refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ip_registry import services as registry
from ip_registry.ledger import derive_state
from ip_registry.models import Patent, RightHolder
from listings.services.listings import listings_open_licence_publish, listings_open_licence_withdraw
from techmarket.accounts.models import Organisation
from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit

from .. import permissions
from ..choices import (
    GUIDANCE_MAX_FIXED_FEE,
    GUIDANCE_MAX_RATE,
    LIVE_LICENCE_STATUSES,
    ROYALTY_FEE_TYPES,
    ConsentStatus,
    DeclarationStatus,
    FeeType,
    ReportingPeriod,
    RoyaltyBase,
)
from ..exceptions import LicensingError
from ..models import Declaration, DeclarationConsent, DeclaredPatent
from ..models.declarations import STATED_TERMS

CENT = Decimal("0.01")
TERRITORY = "中国"
# What a declaration states besides its patents and period, as :func:`declaration_create` takes it.
TERM_FIELDS = STATED_TERMS
# The terms each fee type uses; the others are cleared.
_USED = {
    FeeType.FREE: set(),
    FeeType.LUMP_SUM: {"lump_sum"},
    FeeType.ROYALTY: {"royalty_rate", "royalty_base", "reporting_period"},
    FeeType.ENTRY_PLUS_ROYALTY: {"entry_fee", "royalty_rate", "royalty_base", "reporting_period"},
}


# Terms --------------------------------------------------------------------------------------------------------


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip()).quantize(CENT)
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Write a number, e.g. 50000.00."))
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(_("Write a number, e.g. 50000.00."))
        return None
    return number


def declaration_terms_clean(terms: dict) -> dict:
    """The terms as stored: amounts as ``Decimal`` with two places, the fields the fee type does not use cleared.

    Raises a ``ValidationError`` naming each field that is missing or wrong: a lump sum needs its amount, a royalty
    its rate, base and reporting period, an entry fee its amount; a licence that is not free states how it is paid
    and how its fee was calculated (专利法实施细则第八十五条).
    """
    unknown = set(terms) - set(TERM_FIELDS)
    if unknown:
        raise TypeError(f"not declaration terms: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    fee_type = terms.get("fee_type") or ""
    if fee_type not in FeeType.values:
        raise ValidationError(
            {"fee_type": _("Choose the licence fee: free, lump sum, royalty or entry fee plus royalty.")}
        )
    used = _USED[FeeType(fee_type)]
    clean = dict.fromkeys(("royalty_base", "reporting_period", "payment_method", "payment_schedule"), "")
    clean |= {"fee_type": fee_type, "lump_sum": None, "entry_fee": None, "royalty_rate": None, "fee_basis": ""}
    for name in ("lump_sum", "entry_fee", "royalty_rate"):
        if name in used:
            clean[name] = _decimal(terms.get(name), name, errors)
    for name in ("royalty_base", "reporting_period"):
        if name in used:
            clean[name] = terms.get(name) or ""
    if fee_type != FeeType.FREE:
        for name in ("payment_method", "payment_schedule"):
            clean[name] = (terms.get(name) or "").strip()
    clean["fee_basis"] = (terms.get("fee_basis") or "").strip()

    def need(field: str, message: str) -> None:
        if field in used and clean[field] in (None, "") and field not in errors:
            errors.setdefault(field, []).append(message)

    need("lump_sum", _("A lump-sum licence states its amount in yuan."))
    need("entry_fee", _("An entry fee plus royalty states the entry fee in yuan."))
    need("royalty_rate", _("A royalty states its rate, in per cent."))
    need("royalty_base", _("A royalty states its base: net sales or profit."))
    need("reporting_period", _("A royalty states how often the licensee reports: quarterly, half-yearly or yearly."))
    for name in ("lump_sum", "entry_fee"):
        if clean[name] is not None and clean[name] <= 0:
            errors.setdefault(name, []).append(_("The amount must be more than ¥0.00; a licence without fee is free."))
    rate = clean["royalty_rate"]
    if rate is not None and not Decimal("0") < rate <= Decimal("100"):
        errors.setdefault("royalty_rate", []).append(_("The royalty rate is a per cent above 0 and at most 100."))
    if clean["royalty_base"] and clean["royalty_base"] not in RoyaltyBase.values:
        errors.setdefault("royalty_base", []).append(_("Choose net sales or profit."))
    if clean["reporting_period"] and clean["reporting_period"] not in ReportingPeriod.values:
        errors.setdefault("reporting_period", []).append(_("Choose quarterly, half-yearly or yearly."))
    if fee_type != FeeType.FREE:
        if not clean["payment_method"]:
            errors.setdefault("payment_method", []).append(
                _("State how the licence fee is paid, e.g. bank transfer (专利法实施细则第八十五条).")
            )
        if not clean["fee_basis"]:
            errors.setdefault("fee_basis", []).append(
                _("Explain how the licence fee was calculated (专利法实施细则第八十五条).")
            )
    if errors:
        raise ValidationError(errors)
    return clean


def declaration_warnings(terms: dict) -> list[str]:
    """Where the terms go beyond the royalty guidance (DOMAIN.md): shown and kept, never a refusal."""
    warnings = []
    for name, label in (("lump_sum", _("lump sum")), ("entry_fee", _("entry fee"))):
        amount = terms.get(name)
        if amount is not None and amount > GUIDANCE_MAX_FIXED_FEE:
            warnings.append(
                _(
                    "The %(what)s of ¥%(amount)s is above the guidance for a fixed fee (at most ¥%(limit)s). "
                    "You may declare it, but firms may find it high."
                )
                % {"what": label, "amount": f"{amount:,.2f}", "limit": f"{GUIDANCE_MAX_FIXED_FEE:,.2f}"}
            )
    rate, base = terms.get("royalty_rate"), terms.get("royalty_base")
    if rate is not None and base in GUIDANCE_MAX_RATE and rate > GUIDANCE_MAX_RATE[base]:
        warnings.append(
            _(
                "A royalty of %(rate)s%% of %(base)s is above the guidance (at most %(limit)s%%). You may declare "
                "it, but firms may find it high."
            )
            % {"rate": rate, "base": RoyaltyBase(base).label, "limit": GUIDANCE_MAX_RATE[base]}
        )
    return warnings


def _fee_text(declaration: Declaration) -> str:
    """The fee standard in words, as the registry's entry states it."""
    parts = []
    if declaration.fee_type == FeeType.LUMP_SUM:
        parts.append(f"一次性支付 {declaration.lump_sum:.2f} 元")
    if declaration.fee_type == FeeType.ENTRY_PLUS_ROYALTY:
        parts.append(f"入门费 {declaration.entry_fee:.2f} 元")
    if declaration.fee_type in ROYALTY_FEE_TYPES:
        base = "净销售额" if declaration.royalty_base == RoyaltyBase.NET_SALES else "利润"
        parts.append(f"按{base}的 {declaration.royalty_rate}% 提成")
    return "，".join(parts)


def registry_terms(declaration: Declaration) -> dict:
    """The published terms as the registry's entry keeps them (plain JSON: amounts as strings)."""

    def text(value) -> str:
        return "" if value is None else f"{value:.2f}"

    payment = "；".join(part for part in (declaration.payment_method, declaration.payment_schedule) if part)
    return {
        "fee_type": declaration.fee_type,
        "fee": _fee_text(declaration),
        "lump_sum": text(declaration.lump_sum),
        "entry_fee": text(declaration.entry_fee),
        "rate": text(declaration.royalty_rate),
        "base": declaration.royalty_base,
        "period": declaration.reporting_period,
        "payment": payment,
        "basis": declaration.fee_basis,
        "currency": declaration.currency,
        "territory": declaration.territory,
    }


# Writing a declaration -----------------------------------------------------------------------------------------


def _admin_emails(organisation: Organisation) -> list[str]:
    return [membership.user.email for membership in organisation.memberships.admins().select_related("user")]


def _url(declaration: Declaration) -> str:
    return absolute_url(reverse("licensing:declaration_detail", args=[declaration.pk]))


def _numbers(patents: Sequence[Patent]) -> str:
    return "、".join(patent.application_number for patent in patents)


def _consenting_parties(licensor: Organisation, patents: Sequence[Patent], on: datetime.date) -> list[int]:
    """The organisations whose consent the declaration needs: each other co-owner, each pledgee of a pledged patent."""
    needed: list[int] = []
    holders = RightHolder.objects.filter(patent__in=[p.pk for p in patents]).order_by("patent_id", "position")
    for organisation_id in holders.values_list("organisation_id", flat=True):
        if organisation_id != licensor.pk and organisation_id not in needed:
            needed.append(organisation_id)
    for patent in patents:
        state = derive_state(patent.entries.order_by("sequence"), on)
        for pledge in state.pledges:
            for party in pledge.to_parties:
                if party["organisation"] != licensor.pk and party["organisation"] not in needed:
                    needed.append(party["organisation"])
    return needed


def _check_patents(licensor: Organisation, patents: Sequence[Patent]) -> None:
    if not patents:
        raise ValidationError({"patents": _("Choose at least one patent to declare.")})
    if len({patent.pk for patent in patents}) != len(patents):
        raise ValidationError({"patents": _("Each patent may be named once.")})
    held = set(
        RightHolder.objects.filter(patent__in=[p.pk for p in patents], organisation=licensor).values_list(
            "patent_id", flat=True
        )
    )
    not_held = [patent for patent in patents if patent.pk not in held]
    if not_held:
        raise LicensingError(
            _("Only a patentee can declare an open licence (专利法第五十条): %(name)s does not hold %(numbers)s.")
            % {"name": licensor.name_zh, "numbers": _numbers(not_held)}
        )
    pending = DeclaredPatent.objects.filter(
        patent__in=[p.pk for p in patents], declaration__status=DeclarationStatus.AWAITING_CONSENT
    ).select_related("patent")
    if pending:
        raise LicensingError(
            _("%(numbers)s is already in a declaration awaiting the co-owners' consent.")
            % {"numbers": _numbers([row.patent for row in pending])}
        )


def _checked(
    *, actor, licensor: Organisation, patents: Sequence[Patent], period_end: datetime.date | None, on, terms: dict
) -> Declaration:
    if actor is not None and not permissions.is_admin(actor, licensor):
        raise PermissionDenied
    clean = declaration_terms_clean(terms)
    if period_end is None:
        raise ValidationError({"period_end": _("State the licence period (专利法实施细则第八十五条).")})
    if period_end <= on:
        raise ValidationError({"period_end": _("The licence period must end after today.")})
    _check_patents(licensor, patents)
    declaration = Declaration(
        licensor=licensor,
        period_end=period_end,
        territory=TERRITORY,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **clean,
    )
    declaration.full_clean()
    published = registry_terms(declaration)
    for patent in patents:
        registry.open_licence_check(patent=patent, registration_date=on, terms=published, term_end=period_end)
    declaration.warnings = declaration_warnings(clean)
    return declaration


def declaration_check(
    *,
    actor,
    licensor: Organisation,
    patents: Sequence[Patent],
    period_end: datetime.date | None,
    on: datetime.date,
    **terms,
) -> list[str]:
    """Everything :func:`declaration_create` checks, writing nothing: raises its refusal, or returns its warnings
    (for the review step before the patentee confirms)."""
    return _checked(
        actor=actor, licensor=licensor, patents=list(patents), period_end=period_end, on=on, terms=terms
    ).warnings


@transaction.atomic
def declaration_create(
    *,
    actor,
    licensor: Organisation,
    patents: Sequence[Patent],
    period_end: datetime.date | None,
    on: datetime.date,
    **terms,
) -> Declaration:
    """Declare an open licence of the licensor's patents on published terms.

    The actor administers the licensor (``None``: the platform itself). Refused at once, with the registry's reason,
    where the registry would refuse the declaration; above the royalty guidance it warns (``warnings``). Each other
    co-owner and each pledgee is asked for consent; with none to ask, the declaration takes effect at once.
    """
    patents = list(patents)
    declaration = _checked(actor=actor, licensor=licensor, patents=patents, period_end=period_end, on=on, terms=terms)
    declaration.save()
    DeclaredPatent.objects.bulk_create([DeclaredPatent(declaration=declaration, patent=p) for p in patents])
    audit_record(
        actor=actor,
        action="declaration.create",
        target=declaration,
        summary=_numbers(patents),
        data={"patents": [p.application_number for p in patents], "warnings": declaration.warnings},
    )
    needed = _consenting_parties(licensor, patents, on)
    if not needed:
        return _take_effect(declaration, on=on)
    consents = DeclarationConsent.objects.bulk_create(
        [DeclarationConsent(declaration=declaration, organisation_id=pk) for pk in needed]
    )
    for consent in DeclarationConsent.objects.filter(pk__in=[c.pk for c in consents]).select_related("organisation"):
        email_on_commit(
            template="declaration_consent_requested",
            to=_admin_emails(consent.organisation),
            context={
                "licensor": licensor.name_zh,
                "organisation": consent.organisation.name_zh,
                "patents": _numbers(patents),
                "url": absolute_url(reverse("licensing:consent_answer", args=[consent.pk])),
            },
        )
    return declaration


def _take_effect(declaration: Declaration, *, on: datetime.date) -> Declaration:
    """Put every patent's declaration on the registry and the terms on its listings; the caller holds the
    declaration's lock inside a transaction, so a registry refusal undoes it all."""
    consents = list(declaration.consents.filter(status=ConsentStatus.GIVEN).values_list("organisation_id", flat=True))
    published = registry_terms(declaration)
    rows = list(declaration.declared_patents.select_related("patent").order_by("pk"))
    for row in rows:
        row.entry = registry.open_licence_declare(
            actor=None,
            patent=row.patent,
            registration_date=on,
            terms=published,
            term_end=declaration.period_end,
            consents=[declaration.licensor_id, *consents],
        )
        row.save(update_fields=["entry"])
    declaration.status = DeclarationStatus.IN_FORCE
    declaration.effective_on = on
    declaration.save(update_fields=["status", "effective_on"])
    patents = [row.patent for row in rows]
    listings_open_licence_publish(patents=patents)
    audit_record(actor=None, action="declaration.in_force", target=declaration, summary=_numbers(patents))
    email_on_commit(
        template="declaration_in_force",
        to=_admin_emails(declaration.licensor),
        context={"patents": _numbers(patents), "date": on.isoformat(), "url": _url(declaration)},
    )
    return declaration


def _lock(declaration: Declaration) -> Declaration:
    return Declaration.objects.select_for_update().select_related("licensor").get(pk=declaration.pk)


@transaction.atomic
def declaration_consent_answer(
    *, actor, consent: DeclarationConsent, give: bool, note: str = "", on: datetime.date
) -> DeclarationConsent:
    """A co-owner's or pledgee's administrator consents to the declaration, or refuses it (which refuses the
    declaration). When the last consent is given the declaration takes effect."""
    declaration = _lock(consent.declaration)
    consent = DeclarationConsent.objects.select_for_update().select_related("organisation").get(pk=consent.pk)
    if actor is not None and not permissions.is_admin(actor, consent.organisation):
        raise PermissionDenied
    if declaration.status != DeclarationStatus.AWAITING_CONSENT or consent.status != ConsentStatus.PENDING:
        raise LicensingError(
            _("This declaration is %(status)s and no longer awaits your answer.")
            % {"status": declaration.get_status_display()}
        )
    note = (note or "").strip()
    if not give and not note:
        raise ValidationError({"note": _("Give the patentee a reason for refusing.")})
    consent.status = ConsentStatus.GIVEN if give else ConsentStatus.REFUSED
    consent.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    consent.decided_at = timezone.now()
    consent.note = note[:500]
    consent.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit_record(
        actor=actor,
        action="declaration.consent" if give else "declaration.refuse",
        target=declaration,
        summary=consent.organisation.name_zh,
        data={"consent": consent.pk, "note": consent.note},
    )
    if not give:
        declaration.status = DeclarationStatus.REFUSED
        declaration.save(update_fields=["status"])
        email_on_commit(
            template="declaration_refused",
            to=_admin_emails(declaration.licensor),
            context={"organisation": consent.organisation.name_zh, "note": consent.note, "url": _url(declaration)},
        )
    elif not declaration.consents.exclude(status=ConsentStatus.GIVEN).exists():
        _take_effect(declaration, on=on)
    return consent


@transaction.atomic
def declaration_withdraw(*, actor, declaration: Declaration, reason: str, on: datetime.date) -> Declaration:
    """Withdraw a declaration in force, in writing (专利法第五十一条): the registry records and announces it, the
    listings stop offering the open licence, and every licence already granted under it stays valid."""
    declaration = _lock(declaration)  # first: a licence being granted under it waits for this, then sees the status
    if actor is not None and not permissions.is_admin(actor, declaration.licensor):
        raise PermissionDenied
    if declaration.status != DeclarationStatus.IN_FORCE:
        raise LicensingError(
            _("Only a declaration in force can be withdrawn; this one is %(status)s.")
            % {"status": declaration.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A withdrawal is made in writing: give its reason.")})
    rows = list(declaration.declared_patents.select_related("patent").order_by("pk"))
    for row in rows:
        row.withdrawal_entry = registry.open_licence_withdraw(actor=None, patent=row.patent, registration_date=on)
        row.save(update_fields=["withdrawal_entry"])
    declaration.status = DeclarationStatus.WITHDRAWN
    declaration.withdrawn_on = on
    declaration.withdrawal_reason = reason[:1000]
    declaration.save(update_fields=["status", "withdrawn_on", "withdrawal_reason"])
    patents = [row.patent for row in rows]
    listings_open_licence_withdraw(patents=patents, reason=reason)
    audit_record(actor=actor, action="declaration.withdraw", target=declaration, summary=reason)
    licences = declaration.licences.filter(status__in=LIVE_LICENCE_STATUSES).select_related("licensee")
    for licence in licences:
        email_on_commit(
            template="declaration_withdrawn",
            to=_admin_emails(licence.licensee) + ([licence.obtained_by.email] if licence.obtained_by_id else []),
            context={
                "licensor": declaration.licensor.name_zh,
                "reference": licence.reference,
                "patents": _numbers(patents),
                "date": on.isoformat(),
                "reason": reason,
            },
        )
    return declaration
