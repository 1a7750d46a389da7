"""Writes for accounts and organisations. Each runs in one transaction and leaves an audit row."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from techmarket.audit.services import AuditRecord, audit_record, audit_record_many
from techmarket.notifications import absolute_url, email_on_commit

from . import hooks, permissions
from .choices import (
    ENTERPRISE_FIELDS,
    PROTECTED_FIELDS,
    ChangeRequestStatus,
    MembershipRole,
    MembershipStatus,
    VerificationStatus,
)
from .exceptions import AccountsError, ChangeRequestPending, LastAdminError, MembershipExists
from .models import BrokerProfile, Membership, Organisation, OrganisationChangeRequest, User

ORGANISATION_EDITABLE_FIELDS = (
    "kind",
    "name_zh",
    "name_en",
    "province",
    "city",
    "website",
    "description",
    # An enterprise's size and its basis: read by pay-later offers open to small and micro firms only.
    *ENTERPRISE_FIELDS,
)


def user_register(*, email: str, name: str, password: str, phone: str | None = None) -> User:
    """Create a person's account. Password strength is the form's concern; the hash is set here."""
    user = User(email=email, name=name, phone=phone or None)
    user.set_password(password)
    user.full_clean(exclude=["password", "last_login"])
    with transaction.atomic():
        user.save()
        audit_record(actor=user, action="user.register", target=user, summary=user.email)
    return user


def _admin_emails(organisation: Organisation) -> list[str]:
    return list(organisation.memberships.admins().values_list("user__email", flat=True))


def _organisation_to_register(fields: dict, *, lock: bool) -> tuple[Organisation, bool]:
    """The organisation a registration would save, checked (``full_clean``), and whether it takes over a record."""
    if not fields.get("credit_code"):
        raise ValidationError({"credit_code": _("Enter the organisation's unified social credit code.")})
    claimable = Organisation.objects.claimable()
    if lock:
        claimable = claimable.select_for_update()
    organisation = claimable.filter(name_zh=fields.get("name_zh")).first()
    claimed = organisation is not None
    if organisation is None:
        organisation = Organisation()
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.verification_status = VerificationStatus.PENDING
    organisation.full_clean()
    return organisation, claimed


@transaction.atomic
def organisation_create(*, actor: User, **fields) -> Organisation:
    """Register an organisation; the person registering it becomes its first administrator.

    Its credit code is required. If the registry already holds a claimable
    record of the same Chinese name (added by an import, without credit code or
    members), that record is completed and taken over, ledger history and all.
    """
    organisation, claimed = _organisation_to_register(fields, lock=True)
    organisation.save()
    membership = Membership.objects.create(
        user=actor,
        organisation=organisation,
        role=MembershipRole.ADMIN,
        status=MembershipStatus.ACTIVE,
        approved_at=timezone.now(),
    )
    permissions.sync_membership_permissions(membership)
    audit_record(
        actor=actor,
        action="organisation.claim" if claimed else "organisation.create",
        target=organisation,
        summary=organisation.name_zh,
    )
    email_on_commit(
        template="organisation_registered",
        to=permissions.platform_staff_emails(),
        context={
            "organisation": organisation.name_zh,
            "kind": organisation.get_kind_display(),
            "province": organisation.province_name,
            "url": absolute_url(reverse("accounts:verification_queue")),
        },
    )
    return organisation


@transaction.atomic
def organisation_add_unverified(
    *,
    actor: User | None,
    kind: str,
    name_zh: str,
    province: str,
    city: str = "",
    credit_code: str | None = None,
    source: str,
) -> Organisation:
    """Add an organisation that someone else's record names (a party to an imported transfer), awaiting verification.

    It has no members. With a credit code it joins the staff's verification queue; without one it waits for
    someone from it to register, who takes the record over (``Organisation.objects.claimable``). ``source`` says
    which import named it, for the audit row; ``actor`` is whoever ran the import, None for the platform itself.
    """
    organisation = Organisation(
        kind=kind, name_zh=name_zh, province=province, city=city, credit_code=credit_code or None
    )
    return organisations_add_unverified(actor=actor, organisations=[organisation], source=source)[0]


@transaction.atomic
def organisations_add_unverified(
    *, actor: User | None, organisations: list[Organisation], source: str
) -> list[Organisation]:
    """Add many organisations (unsaved instances) as :func:`organisation_add_unverified` adds one, in a few queries.

    Each is checked (``full_clean``, and its name and credit code unique among the others and in the table) before
    any is saved; then all are inserted with their audit rows. For imports that name thousands.
    """
    for organisation in organisations:
        organisation.verification_status = VerificationStatus.PENDING
        organisation.full_clean(validate_unique=False)
    _check_unique(organisations, "name_zh")
    _check_unique([organisation for organisation in organisations if organisation.credit_code], "credit_code")
    Organisation.objects.bulk_create(organisations, batch_size=500)
    audit_record_many(
        actor=actor,
        records=[
            AuditRecord("organisation.create", organisation, organisation.name_zh, {"source": source})
            for organisation in organisations
        ],
    )
    return organisations


def _check_unique(organisations: list[Organisation], field: str) -> None:
    """The ValidationError ``full_clean`` would raise if one of the values is taken, or given twice here."""
    values = [getattr(organisation, field) for organisation in organisations]
    taken = {value for value, count in Counter(values).items() if count > 1}
    for start in range(0, len(values), 500):
        lookup = {f"{field}__in": values[start : start + 500]}
        taken.update(Organisation.objects.filter(**lookup).values_list(field, flat=True))
    clash = next((organisation for organisation in organisations if getattr(organisation, field) in taken), None)
    if clash:
        raise ValidationError({field: clash.unique_error_message(Organisation, (field,))})


@dataclass(frozen=True)
class OrganisationUpdate:
    """What :func:`organisation_update` did: the fields it saved at once, and the change request it made instead of
    saving the protected details of a verified organisation (None if it made none)."""

    organisation: Organisation
    saved: tuple[str, ...]
    change_request: OrganisationChangeRequest | None


def _differs(organisation: Organisation, name: str, value) -> bool:
    # Compare as the model will store it (a credit code typed in lower case is the same code).
    return Organisation._meta.get_field(name).to_python(value) != getattr(organisation, name)


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **changes) -> OrganisationUpdate:
    """Change an organisation's details, as its administrators do on its edit page or through the API.

    An unverified organisation's details are saved at once. A verified one's
    badge vouches for who and where it is (``PROTECTED_FIELDS``): changes to
    those become a change request for the platform staff
    (:func:`organisation_change_request`) and the organisation keeps its current
    details until they approve; its other details (website, introduction) are
    saved at once. If the request is refused, nothing is saved.
    """
    if not permissions.can_edit_organisation(actor, organisation):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    editable = set(ORGANISATION_EDITABLE_FIELDS)
    if organisation.is_verified:
        editable.add("credit_code")  # an unverified organisation's code is what the staff are about to check
    unknown = set(changes) - editable
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    protected: dict = {}
    if organisation.is_verified:
        protected = {name: value for name, value in changes.items() if name in PROTECTED_FIELDS}
        changes = {name: value for name, value in changes.items() if name not in PROTECTED_FIELDS}
        protected = {name: value for name, value in protected.items() if _differs(organisation, name, value)}
    change_request = None
    if protected:
        change_request = organisation_change_request(actor=actor, organisation=organisation, **protected)
    before = {name: getattr(organisation, name) for name in changes}
    for name, value in changes.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    changed = {name: [before[name], getattr(organisation, name)] for name in changes}
    changed = {name: values for name, values in changed.items() if values[0] != values[1]}
    # The audit row keeps them as JSON: an annual revenue (Decimal) as its text.
    changed = {name: [str(v) if isinstance(v, Decimal) else v for v in values] for name, values in changed.items()}
    if change_request is not None:
        change_request.organisation = organisation  # as saved here, with the details that changed at once
    if changed or change_request is None:
        audit_record(
            actor=actor, action="organisation.update", target=organisation, summary=organisation.name_zh, data=changed
        )
    return OrganisationUpdate(organisation=organisation, saved=tuple(changed), change_request=change_request)


def _change_lines(change_request: OrganisationChangeRequest) -> list[str]:
    """The changes as lines of an e-mail, in the language e-mails are written in."""
    with translation.override(settings.LANGUAGE_CODE):
        return [f"{label}: {before} → {after}" for label, before, after in change_request.changes()]


@transaction.atomic
def organisation_change_request(*, actor: User, organisation: Organisation, **requested) -> OrganisationChangeRequest:
    """Ask the platform staff to change a verified organisation's protected details (name, kind, credit code,
    province and city). Its administrators ask; the organisation keeps its details until staff approve.

    The requested details are checked now as they will be on approval (credit code, city in province, names
    and code not taken), so that the staff decide on something that can be applied. One pending request per
    organisation: another is refused until the staff have decided the first.
    """
    if not permissions.can_request_organisation_change(actor, organisation):
        raise PermissionDenied
    unknown = set(requested) - set(PROTECTED_FIELDS)
    if unknown:
        raise ValueError(f"not protected details: {', '.join(sorted(unknown))}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.is_verified:
        raise AccountsError(
            _("%(org)s is not verified yet: change its details directly on its edit page.") % {"org": organisation}
        )
    pending = organisation.change_requests.pending().first()
    if pending is not None:
        raise ChangeRequestPending(
            _(
                "A change of this organisation's details, asked on %(date)s, is still awaiting the platform staff. "
                "Wait for their decision before asking for another."
            )
            % {"date": timezone.localtime(pending.requested_at).strftime("%Y-%m-%d")}
        )
    previous = {name: getattr(organisation, name) for name in PROTECTED_FIELDS}
    candidate = copy.copy(organisation)
    for name, value in requested.items():
        setattr(candidate, name, value)
    candidate.full_clean()  # normalises the values too (credit code in upper case)
    if all(getattr(candidate, name) == previous[name] for name in PROTECTED_FIELDS):
        raise AccountsError(_("These are the organisation's details already; there is nothing to change."))
    refusal = hooks.kind_change_refusal(organisation, candidate.kind)
    if refusal:
        raise AccountsError(refusal)
    change_request = OrganisationChangeRequest(
        organisation=organisation,
        previous=previous,
        requested_by=actor,
        **{name: getattr(candidate, name) for name in PROTECTED_FIELDS},
    )
    change_request.full_clean()
    change_request.save()
    audit_record(
        actor=actor,
        action="organisation.change_request",
        target=organisation,
        summary=", ".join(_change_lines(change_request)),
        data={"request": change_request.pk, "changes": _change_data(change_request)},
    )
    email_on_commit(
        template="organisation_change_requested",
        to=permissions.platform_staff_emails(),
        context={
            "organisation": organisation.name_zh,
            "person": actor.name,
            "changes": _change_lines(change_request),
            "url": absolute_url(reverse("accounts:verification_queue")),
        },
    )
    return change_request


def _change_data(change_request: OrganisationChangeRequest) -> dict[str, list]:
    return {
        name: [change_request.previous.get(name), getattr(change_request, name)]
        for name in change_request.changed_fields()
    }


def _locked_pending(actor: User, change_request: OrganisationChangeRequest) -> OrganisationChangeRequest:
    """Lock the organisation, then the request, and refuse one that is already decided."""
    if not permissions.can_decide_organisation_changes(actor):
        raise PermissionDenied
    Organisation.objects.select_for_update().get(pk=change_request.organisation_id)
    change_request = (
        OrganisationChangeRequest.objects.select_for_update().select_related("organisation").get(pk=change_request.pk)
    )
    if not change_request.is_pending:
        raise AccountsError(
            _("This change request has already been decided (%(status)s).")
            % {"status": change_request.get_status_display()}
        )
    return change_request


@transaction.atomic
def organisation_change_approve(
    *, actor: User, change_request: OrganisationChangeRequest, note: str = ""
) -> OrganisationChangeRequest:
    """Platform staff approve a change request: the organisation takes the requested details and stays verified.

    The details are checked again as they are now (another organisation may have taken the name or code since),
    and a change of kind is refused while the market says the organisation's listings forbid it.
    """
    change_request = _locked_pending(actor, change_request)
    organisation = change_request.organisation
    refusal = hooks.kind_change_refusal(organisation, change_request.kind)
    if refusal:
        raise AccountsError(refusal)
    for name in PROTECTED_FIELDS:
        setattr(organisation, name, getattr(change_request, name))
    try:
        organisation.full_clean()
    except ValidationError as error:
        raise AccountsError(
            _("The change cannot be applied: %(errors)s") % {"errors": " ".join(error.messages)}
        ) from None
    organisation.save()
    return _record_decision(actor, change_request, approved=True, note=note.strip())


@transaction.atomic
def organisation_change_reject(
    *, actor: User, change_request: OrganisationChangeRequest, note: str
) -> OrganisationChangeRequest:
    """Platform staff refuse a change request, saying why; the organisation keeps its details."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Give the reason, so that the organisation knows what to correct.")})
    change_request = _locked_pending(actor, change_request)
    return _record_decision(actor, change_request, approved=False, note=note)


def _record_decision(
    actor: User, change_request: OrganisationChangeRequest, *, approved: bool, note: str
) -> OrganisationChangeRequest:
    """Close a locked, pending request as approved or rejected: its row, the audit row, the admins' e-mail."""
    organisation = change_request.organisation
    change_request.status = ChangeRequestStatus.APPROVED if approved else ChangeRequestStatus.REJECTED
    change_request.decision_note = note
    change_request.decided_by = actor
    change_request.decided_at = timezone.now()
    change_request.full_clean()
    change_request.save()
    audit_record(
        actor=actor,
        action="organisation.change_approve" if approved else "organisation.change_reject",
        target=organisation,
        summary=", ".join(_change_lines(change_request)) if approved else note,
        data={"request": change_request.pk, "changes": _change_data(change_request)},
    )
    email_on_commit(
        template="organisation_change_approved" if approved else "organisation_change_rejected",
        to=_admin_emails(organisation),
        context={
            "organisation": change_request.previous.get("name_zh") or organisation.name_zh,
            "changes": _change_lines(change_request),
            "note": change_request.decision_note,
            "url": absolute_url(organisation.get_absolute_url()),
        },
    )
    return change_request


@transaction.atomic
def organisation_verify(*, actor: User, organisation: Organisation, approve: bool, note: str = "") -> Organisation:
    """Platform staff confirm (or reject) that an organisation is who it says it is."""
    if not permissions.can_verify_organisations(actor):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if approve and not organisation.credit_code:
        raise AccountsError(
            _("%(org)s has no credit code yet; it can be verified once someone from it registers it.")
            % {"org": organisation}
        )
    organisation.verification_status = VerificationStatus.VERIFIED if approve else VerificationStatus.REJECTED
    organisation.verification_note = note
    organisation.verified_at = timezone.now()
    organisation.verified_by = actor
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.verify" if approve else "organisation.reject",
        target=organisation,
        summary=note or organisation.name_zh,
    )
    email_on_commit(
        template="organisation_verified" if approve else "organisation_rejected",
        to=_admin_emails(organisation),
        context={
            "organisation": organisation.name_zh,
            "note": note,
            "url": absolute_url(organisation.get_absolute_url()),
        },
    )
    return organisation


@transaction.atomic
def membership_request(*, user: User, organisation: Organisation) -> Membership:
    """Ask to join an organisation; its administrators approve or decline."""
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise MembershipExists(_("You already belong to, or have asked to join, %(name)s.") % {"name": organisation})
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=MembershipRole.STAFF, status=MembershipStatus.PENDING
    )
    audit_record(actor=user, action="membership.request", target=organisation, summary=user.email)
    email_on_commit(
        template="membership_requested",
        to=_admin_emails(organisation),
        context={
            "person": user.name,
            "email": user.email,
            "organisation": organisation.name_zh,
            "url": absolute_url(reverse("accounts:organisation_members", args=[organisation.pk])),
        },
    )
    return membership


def _locked_membership(actor: User, membership: Membership) -> Membership:
    """Lock the organisation row so that concurrent role changes cannot remove every admin."""
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    membership = Membership.objects.select_related("user", "organisation").get(pk=membership.pk)
    if not permissions.can_manage_members(actor, membership.organisation):
        raise PermissionDenied
    return membership


def _ensure_another_admin(membership: Membership) -> None:
    others = membership.organisation.memberships.admins().exclude(pk=membership.pk)
    if membership.is_admin and not others.exists():
        raise LastAdminError(_("An organisation needs at least one administrator; appoint another one first."))


@transaction.atomic
def membership_approve(*, actor: User, membership: Membership) -> Membership:
    membership = _locked_membership(actor, membership)
    if membership.status == MembershipStatus.ACTIVE:
        return membership
    membership.status = MembershipStatus.ACTIVE
    membership.approved_at = timezone.now()
    membership.save(update_fields=["status", "approved_at"])
    permissions.sync_membership_permissions(membership)
    audit_record(
        actor=actor, action="membership.approve", target=membership.organisation, summary=membership.user.email
    )
    email_on_commit(
        template="membership_approved",
        to=[membership.user.email],
        context={
            "person": membership.user.name,
            "organisation": membership.organisation.name_zh,
            "url": absolute_url(membership.organisation.get_absolute_url()),
        },
    )
    return membership


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    membership = _locked_membership(actor, membership)
    if role not in MembershipRole.values:
        raise ValueError(f"unknown role {role!r}")
    if membership.role == role:
        return membership
    if role != MembershipRole.ADMIN:
        _ensure_another_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    permissions.sync_membership_permissions(membership)
    audit_record(
        actor=actor,
        action="membership.role",
        target=membership.organisation,
        summary=f"{membership.user.email}: {role}",
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Remove a member or decline a request to join."""
    membership = _locked_membership(actor, membership)
    _ensure_another_admin(membership)
    permissions.revoke_membership_permissions(membership)
    action = "membership.decline" if membership.status == MembershipStatus.PENDING else "membership.remove"
    audit_record(actor=actor, action=action, target=membership.organisation, summary=membership.user.email)
    membership.delete()


@transaction.atomic
def account_signup(
    *,
    email: str,
    name: str,
    password: str,
    phone: str | None = None,
    new_organisation: dict | None = None,
    join_organisation: Organisation | None = None,
) -> tuple[User, Membership] | None:
    """Sign up a person and either register their organisation or ask to join an existing one.

    One transaction: if any part is refused, nothing is written. The caller answers the same whether or not the
    e-mail address or mobile number already has an account (so that sign-up does not tell who has one); what
    differs goes by e-mail. An address that has an account: no new account (None is returned), its owner is told
    someone tried. A mobile number that has one: the account is made without it, and the number's owner is told.
    The person signing up is e-mailed only at their own address.
    """
    if (new_organisation is None) == (join_organisation is None):
        raise ValueError("give exactly one of new_organisation and join_organisation")
    email = email.strip().lower()
    phone_owner = User.objects.filter(phone=phone).first() if phone else None
    email_owner = User.objects.filter(email__iexact=email).first()
    if email_owner is not None:
        if new_organisation is not None:
            # Refuse a bad organisation as a new person's sign-up would, so that the answer is the same.
            _organisation_to_register(new_organisation, lock=False)
        _tell_of_signup_attempt(owner=email_owner, phone=None)
        if phone_owner is not None and phone_owner != email_owner:
            _tell_of_signup_attempt(owner=phone_owner, phone=phone)
        return None
    if phone_owner is not None:
        _tell_of_signup_attempt(owner=phone_owner, phone=phone)
        phone = None
    user = user_register(email=email, name=name, password=password, phone=phone)
    if new_organisation is not None:
        organisation = organisation_create(actor=user, **new_organisation)
        membership = organisation.memberships.get(user=user)
    else:
        membership = membership_request(user=user, organisation=join_organisation)
    email_on_commit(
        template="signup_welcome",
        to=[user.email],
        context={
            "name": user.name,
            "organisation": membership.organisation.name_zh,
            "creating": new_organisation is not None,
            "phone_not_added": phone_owner is not None,
            "login_url": absolute_url(reverse("accounts:login")),
        },
    )
    return user, membership


def _tell_of_signup_attempt(*, owner: User, phone: str | None) -> None:
    """Someone signed up with this person's e-mail address (``phone`` None) or mobile number: tell them, and log it."""
    audit_record(
        actor=None,
        action="user.signup_taken",
        target=owner,
        summary=phone or owner.email,
        data={"by": "phone" if phone else "email"},
    )
    email_on_commit(
        template="signup_attempt",
        to=[owner.email],
        context={
            "name": owner.name,
            "by_phone": phone is not None,
            "phone": phone or "",
            "login_url": absolute_url(reverse("accounts:login")),
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        },
    )


@transaction.atomic
def broker_profile_save(
    *,
    user: User,
    certificate_number: str,
    provinces_served: list[str],
    field_ids: list[int],
    introduction: str = "",
    agency: Organisation | None = None,
) -> BrokerProfile:
    profile = BrokerProfile.objects.filter(user=user).first() or BrokerProfile(user=user)
    profile.certificate_number = certificate_number.strip()
    profile.provinces_served = list(provinces_served)
    profile.introduction = introduction
    profile.agency = agency
    profile.full_clean(exclude=["user"])
    profile.save()
    profile.fields.set(field_ids)
    audit_record(actor=user, action="broker.save", target=profile, summary=profile.certificate_number)
    return profile
