"""Open licence declarations: the terms' structure, the guidance warnings, the registry's refusals, the co-owners'
and pledgees' consents, taking effect on the registry and withdrawal."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ip_registry import services as registry
from ip_registry.choices import EntryKind, LicenceType
from ip_registry.exceptions import RegistryError
from licensing.choices import ConsentStatus, DeclarationStatus, FeeType, LicenceStatus
from licensing.exceptions import LicensingError
from licensing.models import Declaration, OpenLicence
from licensing.services import declarations as services
from listings.choices import DealMode
from listings.services.listings import Term
from techmarket.accounts.choices import MembershipRole, OrganisationKind
from tests.factories import UserFactory, add_member, make_listing, organisation_in

from .conftest import JS, PERIOD_END, SH, TODAY, declare, patent_in_force

LUMP = {"fee_type": FeeType.LUMP_SUM, "lump_sum": "50000", "payment_method": "银行转账", "fee_basis": "按研发成本测算"}
ROYALTY = {
    "fee_type": FeeType.ROYALTY,
    "royalty_rate": "3",
    "royalty_base": "net_sales",
    "reporting_period": "year",
    "payment_method": "银行转账",
    "payment_schedule": "每年报告后30日内",
    "fee_basis": "参照行业惯例",
}


def create(actor, licensor, patents, **terms):
    terms = terms or dict(LUMP)
    terms.setdefault("period_end", PERIOD_END)
    return services.declaration_create(actor=actor, licensor=licensor, patents=patents, on=TODAY, **terms)


def entries(patent, kind=EntryKind.OPEN_LICENCE_DECLARATION):
    return list(patent.entries.filter(kind=kind))


@pytest.fixture
def co_owner(db):
    return organisation_in(JS, kind=OrganisationKind.UNIVERSITY, name_zh="江苏测试研究院")


@pytest.fixture
def co_owner_admin(co_owner):
    return add_member(co_owner, UserFactory(name="赵主任"), role=MembershipRole.ADMIN)


# Taking effect at once --------------------------------------------------------------------------------------------


def test_a_sole_patentee_s_declaration_takes_effect_at_once_on_the_registry(
    university_admin, university, patent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = create(university_admin, university, [patent])
    assert declaration.status == DeclarationStatus.IN_FORCE and declaration.effective_on == TODAY
    (entry,) = entries(patent)
    assert declaration.declared_patents.get().entry == entry
    assert entry.term_end == PERIOD_END and entry.licence_type == LicenceType.OPEN
    assert entry.details["fee_type"] == "lump_sum" and entry.details["lump_sum"] == "50000.00"
    assert entry.details["payment"] == "银行转账" and entry.details["basis"] == "按研发成本测算"
    assert declaration.lump_sum == Decimal("50000.00") and declaration.territory == "中国"
    assert [m.to for m in mailoutbox] == [[university_admin.email]]


def test_a_free_declaration_needs_no_payment_and_clears_amounts(university_admin, university, patent):
    declaration = create(
        university_admin, university, [patent], fee_type=FeeType.FREE, lump_sum="100", payment_method="x"
    )
    assert declaration.is_in_force and declaration.lump_sum is None and declaration.payment_method == ""
    assert entries(patent)[0].details["fee_type"] == "free"


def test_a_royalty_declaration_publishes_rate_base_and_period(university_admin, university, patent):
    create(university_admin, university, [patent], **ROYALTY)
    details = entries(patent)[0].details
    assert (details["rate"], details["base"], details["period"]) == ("3.00", "net_sales", "year")
    assert details["payment"] == "银行转账；每年报告后30日内"


# The terms' structure ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "fields"),
    [
        ({"fee_type": FeeType.LUMP_SUM, "payment_method": "转账", "fee_basis": "x"}, {"lump_sum"}),
        (
            {"fee_type": FeeType.ROYALTY, "payment_method": "转账", "fee_basis": "x"},
            {"royalty_rate", "royalty_base", "reporting_period"},
        ),
        (
            {
                "fee_type": FeeType.ENTRY_PLUS_ROYALTY,
                "royalty_rate": "2",
                "royalty_base": "profit",
                "reporting_period": "year",
                "payment_method": "转账",
                "fee_basis": "x",
            },
            {"entry_fee"},
        ),
        ({"fee_type": FeeType.LUMP_SUM, "lump_sum": "5000"}, {"payment_method", "fee_basis"}),
        ({"fee_type": FeeType.LUMP_SUM, "lump_sum": "0", "payment_method": "转账", "fee_basis": "x"}, {"lump_sum"}),
        ({**ROYALTY, "royalty_rate": "120"}, {"royalty_rate"}),
        ({**LUMP, "period_end": None}, {"period_end"}),
        ({**LUMP, "period_end": TODAY}, {"period_end"}),
    ],
)
def test_the_terms_are_refused_field_by_field_and_nothing_is_written(
    university_admin, university, patent, terms, fields
):
    with pytest.raises(ValidationError) as caught:
        create(university_admin, university, [patent], **terms)
    assert set(caught.value.message_dict) == fields
    assert not Declaration.objects.exists() and not entries(patent)


def test_a_lump_sum_without_its_amount_says_so(university_admin, university, patent):
    with translation.override("en"), pytest.raises(ValidationError, match="lump-sum licence states its amount"):
        create(university_admin, university, [patent], fee_type=FeeType.LUMP_SUM, payment_method="转账", fee_basis="x")


# Guidance warnings ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "warned"),
    [
        ({**LUMP, "lump_sum": "25000000"}, "above the guidance for a fixed fee"),
        ({**ROYALTY, "royalty_rate": "25"}, "above the guidance (at most 20"),
        ({**ROYALTY, "royalty_rate": "45", "royalty_base": "profit"}, "above the guidance (at most 40"),
    ],
)
def test_terms_above_the_guidance_warn_and_are_declared(university_admin, university, patent, terms, warned):
    with translation.override("en"):
        declaration = create(university_admin, university, [patent], **terms)
    assert declaration.is_in_force
    assert len(declaration.warnings) == 1 and warned in declaration.warnings[0]


def test_terms_within_the_guidance_do_not_warn(university_admin, university, patent):
    declaration = create(
        university_admin, university, [patent], **{**ROYALTY, "royalty_rate": "30", "royalty_base": "profit"}
    )
    assert declaration.warnings == []


# What the registry refuses, refused at once -----------------------------------------------------------------------


def _exclusive_licence(patent, firm):
    registry.licence_record(
        actor=None,
        patent=patent,
        licensees=[registry.Holding(firm)],
        licence_type=LicenceType.EXCLUSIVE,
        registration_date=datetime.date(2026, 1, 10),
        term_start=datetime.date(2026, 1, 1),
        term_end=datetime.date(2028, 12, 31),
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda uni, firm: patent_in_force(uni, granted=False), "it has not been granted yet (专利法第三十九条"),
        (
            lambda uni, firm: patent_in_force(uni, annual_fee_paid_until=datetime.date(2026, 6, 30)),
            "annual fee due on 2026-06-30 is unpaid",
        ),
        (
            lambda uni, firm: patent_in_force(uni, type_digit="2", has_evaluation_report=False),
            "only with a patent evaluation report (专利法第五十条)",
        ),
        (
            lambda uni, firm: (p := patent_in_force(uni), _exclusive_licence(p, firm))[0],
            "while an exclusive or sole licence is in force",
        ),
        (lambda uni, firm: declare(uni, [patent_in_force(uni)]).patents.get(), "already declared for this patent"),
        (lambda uni, firm: patent_in_force(firm), "does not hold"),
    ],
    ids=["not-granted", "fees-unpaid", "no-evaluation-report", "exclusive-licence", "already-declared", "not-held"],
)
def test_what_the_registry_would_refuse_is_refused_at_once_with_its_reason(
    university_admin, university, firm, make, reason
):
    patent = make(university, firm)
    before = Declaration.objects.count()
    with translation.override("en"), pytest.raises((RegistryError, LicensingError), match=re.escape(reason)):
        create(university_admin, university, [patent])
    assert Declaration.objects.count() == before


def test_a_patent_awaiting_consent_in_another_declaration_is_refused(university_admin, university, co_owner):
    patent = patent_in_force(university, co_owner)
    create(university_admin, university, [patent])
    with translation.override("en"), pytest.raises(LicensingError, match="already in a declaration awaiting"):
        create(university_admin, university, [patent])


def test_only_an_administrator_of_the_patentee_declares(university, patent, firm_admin):
    member = add_member(university, UserFactory())
    for actor in (member, firm_admin):
        with pytest.raises(PermissionDenied):
            create(actor, university, [patent])
    assert not Declaration.objects.exists()


def test_the_registry_check_writes_nothing_and_open_licence_declare_refuses_the_same(university, patent):
    terms = {"fee_type": "lump_sum", "fee": "50000", "payment": "转账"}
    registry.patent_update(actor=None, patent=patent, annual_fee_paid_until=datetime.date(2026, 1, 1))
    with translation.override("en"):
        with pytest.raises(RegistryError, match="unpaid") as checked:
            registry.open_licence_check(patent=patent, registration_date=TODAY, terms=terms, term_end=PERIOD_END)
        with pytest.raises(RegistryError) as declared:
            registry.open_licence_declare(
                actor=None, patent=patent, registration_date=TODAY, terms=terms, term_end=PERIOD_END
            )
    assert str(checked.value) == str(declared.value)
    assert not entries(patent)


# Consents ---------------------------------------------------------------------------------------------------------


def test_a_co_owned_patent_waits_for_the_co_owner_s_consent_then_takes_effect(
    university_admin, university, co_owner, co_owner_admin, mailoutbox, django_capture_on_commit_callbacks
):
    patent = patent_in_force(university, co_owner)
    with django_capture_on_commit_callbacks(execute=True):
        declaration = create(university_admin, university, [patent])
    assert declaration.status == DeclarationStatus.AWAITING_CONSENT and not entries(patent)
    consent = declaration.consents.get()
    assert consent.organisation == co_owner and consent.status == ConsentStatus.PENDING
    assert [m.to for m in mailoutbox] == [[co_owner_admin.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.declaration_consent_answer(actor=co_owner_admin, consent=consent, give=True, on=TODAY)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.IN_FORCE
    (entry,) = entries(patent)
    assert set(entry.details["consents"]) == {university.pk, co_owner.pk}
    assert mailoutbox[-1].to == [university_admin.email]


def test_a_co_owner_s_refusal_refuses_the_declaration_and_tells_the_patentee(
    university_admin, university, co_owner, co_owner_admin, mailoutbox, django_capture_on_commit_callbacks
):
    patent = patent_in_force(university, co_owner)
    declaration = create(university_admin, university, [patent])
    consent = declaration.consents.get()
    with translation.override("en"), pytest.raises(ValidationError, match="reason for refusing"):
        services.declaration_consent_answer(actor=co_owner_admin, consent=consent, give=False, on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.declaration_consent_answer(
            actor=co_owner_admin, consent=consent, give=False, note="许可费过低", on=TODAY
        )
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.REFUSED and not entries(patent)
    assert mailoutbox[-1].to == [university_admin.email] and "许可费过低" in mailoutbox[-1].body
    with translation.override("en"), pytest.raises(LicensingError, match="no longer awaits your answer"):
        services.declaration_consent_answer(actor=co_owner_admin, consent=consent, give=True, on=TODAY)


def test_only_the_co_owner_s_administrator_answers(university_admin, university, co_owner, co_owner_admin):
    patent = patent_in_force(university, co_owner)
    consent = create(university_admin, university, [patent]).consents.get()
    for actor in (university_admin, add_member(co_owner, UserFactory())):
        with pytest.raises(PermissionDenied):
            services.declaration_consent_answer(actor=actor, consent=consent, give=True, on=TODAY)


def test_a_pledgee_consents_before_a_pledged_patent_is_declared(university_admin, university, patent):
    bank = organisation_in(SH, name_zh="上海测试银行")
    bank_admin = add_member(bank, role=MembershipRole.ADMIN)
    registry.pledge_record(
        actor=None, patent=patent, pledgees=[registry.Holding(bank)], registration_date=datetime.date(2026, 3, 1)
    )
    declaration = create(university_admin, university, [patent])
    consent = declaration.consents.get()
    assert consent.organisation == bank and not entries(patent)
    services.declaration_consent_answer(actor=bank_admin, consent=consent, give=True, on=TODAY)
    assert Declaration.objects.get(pk=declaration.pk).is_in_force
    assert bank.pk in entries(patent)[0].details["consents"]


def test_a_registry_refusal_when_the_last_consent_comes_undoes_everything(
    university_admin, university, co_owner, co_owner_admin
):
    first, second = patent_in_force(university, co_owner), patent_in_force(university, co_owner)
    declaration = create(university_admin, university, [first, second])
    # Meanwhile the second patent's annual fee lapses: the first patent's entry must not stay behind.
    registry.patent_update(actor=None, patent=second, annual_fee_paid_until=datetime.date(2026, 11, 30))
    with translation.override("en"), pytest.raises(RegistryError, match="unpaid"):
        services.declaration_consent_answer(
            actor=co_owner_admin, consent=declaration.consents.get(), give=True, on=TODAY
        )
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.AWAITING_CONSENT
    assert declaration.consents.get().status == ConsentStatus.PENDING
    assert not entries(first) and not entries(second)


# Withdrawal -------------------------------------------------------------------------------------------------------


def _licence(declaration, licensee, user):
    licence = OpenLicence.objects.create(
        reference="OL2026000001",
        declaration=declaration,
        licensor=declaration.licensor,
        licensee=licensee,
        fee_type=declaration.fee_type,
        lump_sum=declaration.lump_sum,
        term_start=TODAY,
        term_end=PERIOD_END,
        obtained_by=user,
    )
    OpenLicence.objects.filter(pk=licence.pk).update(status=LicenceStatus.IN_FORCE)
    return licence


def test_withdrawal_is_on_the_registry_keeps_licences_and_takes_the_mode_off_listings(
    university_admin,
    university,
    patent,
    firm,
    firm_admin,
    firm_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    declaration = create(university_admin, university, [patent])
    listing = make_listing(university, patents=[patent], terms=[Term(DealMode.OPEN_LICENCE), Term("assignment")])
    assert listing.deal_terms.get(mode=DealMode.OPEN_LICENCE).published_terms == "一次性 ¥50,000"
    licence = _licence(declaration, firm, firm_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.declaration_withdraw(
            actor=university_admin, declaration=declaration, reason="技术转让给他人", on=TODAY
        )
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.WITHDRAWN and declaration.withdrawn_on == TODAY
    (withdrawal,) = entries(patent, EntryKind.OPEN_LICENCE_WITHDRAWAL)
    assert declaration.declared_patents.get().withdrawal_entry == withdrawal
    assert OpenLicence.objects.get(pk=licence.pk).status == LicenceStatus.IN_FORCE
    assert [t.mode for t in listing.deal_terms.all()] == ["assignment"]
    to_licensee = [m for m in mailoutbox if firm_admin.email in m.to]
    assert len(to_licensee) == 1 and licence.reference in to_licensee[0].body
    assert firm_member.email in to_licensee[0].to


def test_withdrawal_needs_a_reason_an_administrator_and_a_declaration_in_force(
    university_admin, university, declaration
):
    with translation.override("en"), pytest.raises(ValidationError, match="give its reason"):
        services.declaration_withdraw(actor=university_admin, declaration=declaration, reason=" ", on=TODAY)
    with pytest.raises(PermissionDenied):
        services.declaration_withdraw(
            actor=add_member(university, UserFactory()), declaration=declaration, reason="x", on=TODAY
        )
    services.declaration_withdraw(actor=university_admin, declaration=declaration, reason="不再开放", on=TODAY)
    with translation.override("en"), pytest.raises(LicensingError, match="Only a declaration in force"):
        services.declaration_withdraw(actor=university_admin, declaration=declaration, reason="again", on=TODAY)
