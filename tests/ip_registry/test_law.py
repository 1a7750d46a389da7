"""The law's checks on every record: each refusal tried, with the reason and article a person reads.

Co-owners (Patent Law art. 14), pledgees (Civil Code art. 444), exclusive and sole licences, the patent's term
(art. 42), patents not in force, open-licence declarations (arts. 50-51, Implementing Regulations arts. 85-86),
licences obtained before a withdrawal, and legal status changes. Messages are read in English.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from ip_registry import services
from ip_registry.choices import EntryKind, LegalStatus, LicenceType
from ip_registry.exceptions import RegistryError
from ip_registry.models import RegistryEntry
from ip_registry.selectors import patent_chain_status
from tests.factories import make_patent, organisation_in

pytestmark = pytest.mark.django_db
D = datetime.date
H = services.Holding
FILED = D(2021, 3, 1)  # make_patent's filing date: an invention protected until 2041-02-28
LAST_DAY = D(2041, 2, 28)
ASSIGNED_ON, PLEDGED_ON, DECLARED_ON, CHANGED_ON = D(2024, 5, 1), D(2023, 6, 1), D(2024, 1, 1), D(2024, 1, 1)
LICENCE_START, LICENCE_END = D(2024, 1, 1), D(2026, 12, 31)
TERMS = {"fee_type": "fixed", "fee": "50000.00", "payment": "合同生效后30日内一次性支付", "basis": "参照同领域许可费"}


def refused(function, *args, **kwargs) -> str:
    """The message of the refusal, in English."""
    with translation.override("en"), pytest.raises(RegistryError) as error:
        function(*args, **kwargs)
    return str(error.value)


@pytest.fixture
def fudan():
    return organisation_in("310000", name_zh="复旦大学")


@pytest.fixture
def ustc():
    return organisation_in("340000", name_zh="中国科学技术大学")


@pytest.fixture
def firm():
    return organisation_in("320000", name_zh="南京测试科技有限公司")


@pytest.fixture
def bank():
    return organisation_in("310000", name_zh="上海测试银行")


@pytest.fixture
def patent(fudan):
    return make_patent(fudan, annual_fee_paid_until=D(2030, 3, 1))


@pytest.fixture
def joint(fudan, ustc):
    """Held by 复旦大学 and 中国科学技术大学 in equal shares."""
    return make_patent(fudan, ustc, annual_fee_paid_until=D(2030, 3, 1))


def assign(patent, to, on=ASSIGNED_ON, **kwargs):
    return services.patent_assign(actor=None, patent=patent, assignees=[H(to)], registration_date=on, **kwargs)


def licence(patent, to, licence_type=LicenceType.ORDINARY, start=LICENCE_START, end=LICENCE_END, **kwargs):
    return services.licence_record(
        actor=None,
        patent=patent,
        licensees=[H(to)],
        licence_type=licence_type,
        registration_date=kwargs.pop("registration_date", start),
        term_start=start,
        term_end=end,
        **kwargs,
    )


def declare(patent, on=DECLARED_ON, **kwargs):
    kwargs.setdefault("terms", TERMS)
    kwargs.setdefault("term_end", D(2028, 12, 31))
    return services.open_licence_declare(actor=None, patent=patent, registration_date=on, **kwargs)


def pledge(patent, to, on=PLEDGED_ON):
    return services.pledge_record(actor=None, patent=patent, pledgees=[H(to)], registration_date=on)


def set_status(patent, status, on=CHANGED_ON, **kwargs):
    return services.legal_status_change(actor=None, patent=patent, status=status, registration_date=on, **kwargs)


# Co-owners: Patent Law art. 14 ----------------------------------------------------------------------------------


def test_a_co_owned_patent_is_assigned_only_with_every_co_owners_consent(joint, fudan, ustc, firm):
    message = refused(assign, joint, firm)
    assert message == (
        "A co-owned patent can be assigned only with every co-owner's consent (专利法第十四条); "
        "the consent of 复旦大学、中国科学技术大学 is missing."
    )
    assert refused(assign, joint, firm, consents=[fudan.pk]).endswith("; the consent of 中国科学技术大学 is missing.")
    assert not RegistryEntry.objects.filter(patent=joint, kind=EntryKind.ASSIGNMENT).exists()
    entry = assign(joint, firm, consents=[fudan.pk, ustc.pk])
    assert entry.details == {"consents": sorted([fudan.pk, ustc.pk])}
    assert list(joint.right_holders.values_list("organisation", flat=True)) == [firm.pk]


@pytest.mark.parametrize("licence_type", [LicenceType.EXCLUSIVE, LicenceType.SOLE])
def test_one_co_owner_alone_grants_no_exclusive_or_sole_licence(joint, fudan, ustc, firm, licence_type):
    message = refused(licence, joint, firm, licence_type, consents=[fudan.pk])
    assert message == (
        "One co-owner alone may grant only ordinary licences: an exclusive or sole licence needs every "
        "co-owner's consent (专利法第十四条), and the consent of 中国科学技术大学 is missing."
    )
    entry = licence(joint, firm, licence_type, consents=[fudan.pk, ustc.pk])
    assert entry.details["consents"] == sorted([fudan.pk, ustc.pk])


def test_one_co_owner_alone_may_grant_an_ordinary_licence(joint, fudan, firm):
    entry = licence(joint, firm, consents=[fudan.pk])
    assert entry.licence_type == LicenceType.ORDINARY
    assert entry.details == {"consents": [fudan.pk]}


def test_an_open_licence_of_a_co_owned_patent_needs_every_co_owner(joint, fudan, ustc):
    assert refused(declare, joint, consents=[ustc.pk]) == (
        "An open licence of a co-owned patent needs every co-owner's consent (专利法第十四条); the consent of "
        "复旦大学 is missing."
    )
    assert declare(joint, consents=[fudan, ustc]).details["consents"] == sorted([fudan.pk, ustc.pk])


def test_consents_from_parties_with_no_say_are_not_recorded(patent, firm, bank):
    entry = assign(patent, firm, consents=[bank.pk])
    assert entry.details == {}


# Pledges: Civil Code art. 444 -------------------------------------------------------------------------------------


def test_a_pledged_patent_is_assigned_only_with_the_pledgees_consent(patent, firm, bank):
    pledge(patent, bank)
    assert refused(assign, patent, firm) == (
        "The patent is pledged to 上海测试银行: it cannot be assigned without the pledgee's consent "
        "(民法典第四百四十四条)."
    )
    assert assign(patent, firm, consents=[bank.pk]).details == {"consents": [bank.pk]}


def test_a_pledged_patent_is_licensed_only_with_the_pledgees_consent(patent, firm, bank):
    pledge(patent, bank)
    assert refused(licence, patent, firm) == (
        "The patent is pledged to 上海测试银行: it cannot be licensed without the pledgee's consent "
        "(民法典第四百四十四条)."
    )
    assert licence(patent, firm, consents=[bank.pk]).details == {"consents": [bank.pk]}


def test_a_pledged_patent_is_offered_openly_only_with_the_pledgees_consent(patent, firm, bank):
    pledge(patent, bank)
    assert refused(declare, patent) == (
        "The patent is pledged to 上海测试银行: an open licence cannot be declared without the pledgee's consent "
        "(民法典第四百四十四条; 专利法实施细则第八十六条)."
    )
    declaration = declare(patent, consents=[bank.pk])
    # The pledgee agreed to the declaration, and so to the licences obtained under it.
    taken = licence(patent, firm, LicenceType.OPEN, start=D(2024, 3, 1))
    assert taken.related_entry == declaration


def test_a_released_pledge_needs_no_consent(patent, firm, bank):
    entry = pledge(patent, bank)
    services.pledge_release(actor=None, pledge=entry, registration_date=D(2023, 12, 1))
    assert licence(patent, firm).kind == EntryKind.LICENCE


# Exclusive and sole licences ---------------------------------------------------------------------------------------


def test_an_exclusive_licence_is_refused_over_any_licence_in_force(patent, firm):
    licence(patent, firm, start=D(2024, 1, 1), end=D(2025, 12, 31))
    other = organisation_in("330000", name_zh="杭州测试科技有限公司")
    assert refused(licence, patent, other, LicenceType.EXCLUSIVE, start=D(2025, 6, 1), end=D(2027, 5, 31)) == (
        "An exclusive licence cannot be granted while another licence is in force in its term: "
        "南京测试科技有限公司 holds one registered 2024-01-01 (技术合同纠纷司法解释第二十五条)."
    )
    after = licence(patent, other, LicenceType.EXCLUSIVE, start=D(2026, 1, 1), end=D(2027, 12, 31))
    assert after.licence_type == LicenceType.EXCLUSIVE


def test_a_sole_licence_is_refused_over_an_exclusive_one(patent, firm):
    licence(patent, firm, LicenceType.EXCLUSIVE)
    other = organisation_in("330000")
    assert refused(licence, patent, other, LicenceType.SOLE, start=D(2025, 1, 1)) == (
        "An exclusive licence to 南京测试科技有限公司 (registered 2024-01-01) covers this term: only its licensee "
        "may work the patent, so no other licence can be granted in it (技术合同纠纷司法解释第二十五条)."
    )


def test_no_licence_is_granted_over_a_sole_one(patent, firm):
    licence(patent, firm, LicenceType.SOLE)
    assert refused(licence, patent, organisation_in("330000"), start=D(2025, 1, 1)) == (
        "A sole licence to 南京测试科技有限公司 (registered 2024-01-01) covers this term: the patentee may license no "
        "one else in it (技术合同纠纷司法解释第二十五条)."
    )


def test_a_sole_licence_may_follow_an_ordinary_one(patent, firm):
    licence(patent, firm)
    assert licence(patent, organisation_in("330000"), LicenceType.SOLE, start=D(2025, 1, 1)).licence_type == "sole"


@pytest.mark.parametrize("licence_type", [LicenceType.EXCLUSIVE, LicenceType.SOLE])
def test_no_exclusive_or_sole_licence_while_an_open_licence_is_declared(patent, firm, licence_type):
    declare(patent, D(2024, 1, 1))
    assert refused(licence, patent, firm, licence_type, start=D(2024, 6, 1)) == (
        "An exclusive or sole licence cannot be granted while an open licence is declared (专利法第五十一条)."
    )


def test_an_exclusive_licence_is_refused_while_open_licences_granted_before_a_withdrawal_run(patent, firm):
    declare(patent, D(2024, 1, 1))
    licence(patent, firm, LicenceType.OPEN, start=D(2024, 2, 1), end=D(2026, 1, 31))
    services.open_licence_withdraw(actor=None, patent=patent, registration_date=D(2024, 6, 1))
    other = organisation_in("330000")
    message = refused(licence, patent, other, LicenceType.EXCLUSIVE, start=D(2024, 7, 1))
    assert message.startswith("An exclusive licence cannot be granted while another licence is in force")
    assert licence(patent, other, LicenceType.EXCLUSIVE, start=D(2026, 2, 1), end=D(2027, 1, 31))


# The patent's term: art. 42 ----------------------------------------------------------------------------------------


def test_a_licence_ends_by_the_patents_expiry(patent, firm):
    assert patent.term_last_day == LAST_DAY
    assert refused(licence, patent, firm, start=D(2035, 1, 1), end=D(2041, 3, 1)) == (
        "A licence cannot run past the patent's term, which ends on 2041-02-28 (专利法第四十二条)."
    )
    assert licence(patent, firm, start=D(2035, 1, 1), end=LAST_DAY).term_end == LAST_DAY


# Patents not in force ------------------------------------------------------------------------------------------------


def _end(patent, status):
    if status == LegalStatus.EXPIRED:
        return set_status(patent, status, on=LAST_DAY + datetime.timedelta(days=1))
    return set_status(patent, status)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (LegalStatus.LAPSED, "the patent right ended because the annual fee was not paid (专利法第四十四条)"),
        (LegalStatus.EXPIRED, "its term of protection has ended (专利法第四十二条)"),
        (
            LegalStatus.INVALIDATED,
            "it was declared invalid in whole, and an invalidated patent right is deemed never to have existed "
            "(专利法第四十七条)",
        ),
    ],
)
def test_a_patent_not_in_force_is_neither_assigned_nor_licensed(patent, firm, status, reason):
    _end(patent, status)
    assert refused(assign, patent, firm) == f"This patent cannot be assigned: {reason}."
    assert refused(licence, patent, firm) == f"This patent cannot be licensed: {reason}."
    assert refused(declare, patent) == f"This patent cannot be offered under an open licence: {reason}."


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (LegalStatus.REJECTED, "its application was rejected (专利法第三十八条)"),
        (LegalStatus.WITHDRAWN, "its application was withdrawn or is deemed withdrawn (专利法第三十二条、第三十五条)"),
    ],
)
def test_a_rejected_or_withdrawn_application_is_not_assigned(fudan, firm, status, reason):
    application = make_patent(fudan, granted=False)
    assert assign(application, organisation_in("330000")).kind == EntryKind.ASSIGNMENT  # 专利申请权 may be assigned
    set_status(application, status)
    assert refused(assign, application, firm) == f"This patent cannot be assigned: {reason}."


def test_a_pending_application_is_not_licensed(fudan, firm):
    application = make_patent(fudan, granted=False)
    assert refused(licence, application, firm) == (
        "This patent cannot be licensed: it has not been granted yet (专利法第三十九条、第四十条)."
    )


@pytest.mark.parametrize("status", [LegalStatus.PARTLY_INVALIDATED, LegalStatus.GRACE_PERIOD])
def test_a_patent_invalidated_in_part_or_in_its_grace_period_stays_in_force(patent, firm, status):
    set_status(patent, status)
    assert licence(patent, firm).kind == EntryKind.LICENCE
    assert assign(patent, organisation_in("330000"), consents=[]).kind == EntryKind.ASSIGNMENT


# Open-licence declarations: arts. 50-51, Implementing Regulations arts. 85-86 --------------------------------------


@pytest.mark.parametrize(
    ("terms", "term_end", "message"),
    [
        (
            {"fee_type": "fixed", "payment": "一次性支付"},
            D(2028, 12, 31),
            "An open licence declaration states the licence fee standard (专利法实施细则第八十五条).",
        ),
        (
            {"fee_type": "royalty", "fee": "3%"},
            D(2028, 12, 31),
            "An open licence declaration states how the licence fee is paid (专利法实施细则第八十五条).",
        ),
        (TERMS, None, "An open licence declaration states the licence period (专利法实施细则第八十五条)."),
        (
            TERMS,
            D(2041, 3, 1),
            "A licence cannot run past the patent's term, which ends on 2041-02-28 (专利法第四十二条).",
        ),
    ],
)
def test_a_declaration_states_fee_payment_and_period(patent, terms, term_end, message):
    assert refused(declare, patent, terms=terms, term_end=term_end) == message
    assert not RegistryEntry.objects.filter(patent=patent, kind=EntryKind.OPEN_LICENCE_DECLARATION).exists()


def test_a_free_open_licence_needs_no_fee_or_payment(patent):
    entry = declare(patent, terms={"fee_type": "free"}, term_end=LAST_DAY)
    assert entry.details == {"fee_type": "free"}


def test_a_declaration_needs_annual_fees_known_to_be_paid(fudan):
    unknown = make_patent(fudan)
    assert refused(declare, unknown) == (
        "An open licence needs the annual fees paid, and the registry does not know that they are: record the date "
        "they are paid until first (专利法实施细则第八十六条)."
    )
    overdue = make_patent(fudan, annual_fee_paid_until=D(2023, 3, 1))
    assert refused(declare, overdue) == (
        "The annual fee due on 2023-03-01 is unpaid, so an open licence cannot be declared (专利法实施细则第八十六条)."
    )


def test_no_declaration_in_the_grace_period(fudan):
    patent = make_patent(fudan, annual_fee_paid_until=D(2024, 3, 1))
    set_status(patent, LegalStatus.GRACE_PERIOD, on=D(2024, 3, 2))
    assert refused(declare, patent, D(2024, 3, 1)).startswith("The annual fee due on 2024-03-01 is unpaid")


@pytest.mark.parametrize("type_digit", ["2", "3"])
def test_utility_models_and_designs_need_an_evaluation_report(fudan, type_digit):
    patent = make_patent(fudan, type_digit=type_digit, annual_fee_paid_until=D(2030, 3, 1))
    assert refused(declare, patent) == (
        "A utility model or design can be offered under an open licence only with a patent evaluation report "
        "(专利法第五十条)."
    )
    patent = services.patent_update(actor=None, patent=patent, has_evaluation_report=True)
    assert declare(patent).kind == EntryKind.OPEN_LICENCE_DECLARATION


def test_no_declaration_over_an_exclusive_licence(patent, firm):
    licence(patent, firm, LicenceType.EXCLUSIVE)
    assert refused(declare, patent, D(2024, 6, 1)) == (
        "An open licence cannot be declared while an exclusive or sole licence is in force (registered 2024-01-01, "
        "to 南京测试科技有限公司) (专利法实施细则第八十六条)."
    )


# Licences obtained under a declaration, recorded after its withdrawal ------------------------------------------------


def test_an_open_licence_obtained_before_a_withdrawal_is_recordable_after_it(patent, firm):
    declaration = declare(patent, D(2024, 1, 1))
    services.open_licence_withdraw(actor=None, patent=patent, registration_date=D(2024, 6, 1))
    # Obtained (notice given, fee paid) on 2024-05-20, recorded within three months, after the withdrawal.
    taken = licence(
        patent,
        firm,
        LicenceType.OPEN,
        start=D(2024, 5, 20),
        end=D(2026, 5, 19),
        execution_date=D(2024, 5, 20),
        registration_date=D(2024, 7, 15),
    )
    assert taken.related_entry == declaration
    late = organisation_in("330000")
    assert refused(licence, patent, late, LicenceType.OPEN, start=D(2024, 6, 1), registration_date=D(2024, 7, 1)) == (
        "An open licence is obtained while the patentee's open licence declaration is in force; none was on "
        "2024-06-01 (专利法第五十条)."
    )


def test_an_open_licence_is_not_obtained_after_the_declared_period(patent, firm):
    declare(patent, D(2024, 1, 1), term_end=D(2024, 12, 31))
    assert refused(licence, patent, firm, LicenceType.OPEN, start=D(2025, 1, 1)).startswith(
        "An open licence is obtained while the patentee's open licence declaration is in force; none was on 2025-01-01"
    )


# Legal status changes -----------------------------------------------------------------------------------------------


def test_a_legal_status_change_is_a_ledger_entry(patent, clerk):
    entry = services.legal_status_change(
        actor=clerk,
        patent=patent,
        status=LegalStatus.PARTLY_INVALIDATED,
        registration_date=D(2025, 4, 1),
        reason="无效宣告请求审查决定：维持权利要求1-3有效",
        details={"decision": "第567890号"},
    )
    patent.refresh_from_db()
    assert patent.legal_status == LegalStatus.PARTLY_INVALIDATED and patent.is_in_force
    assert (entry.kind, entry.registration_date, entry.actor) == (EntryKind.LEGAL_STATUS, D(2025, 4, 1), clerk)
    assert entry.details == {
        "decision": "第567890号",
        "from": "valid",
        "to": "invalidated_in_part",
        "reason": "无效宣告请求审查决定：维持权利要求1-3有效",
    }
    assert entry.parties == {"from": [], "to": []} and not entry.cross_province
    assert patent_chain_status(patent).intact


def test_legal_status_changes_follow_the_transition_table(patent, fudan):
    set_status(patent, LegalStatus.EXPIRED, on=LAST_DAY + datetime.timedelta(days=1))
    assert refused(set_status, patent, LegalStatus.VALID) == "A patent that is expired cannot become granted, in force."
    assert refused(set_status, patent, LegalStatus.EXPIRED) == "The patent is already expired."
    application = make_patent(fudan, granted=False)
    assert refused(set_status, application, LegalStatus.VALID) == (
        "A pending application becomes a patent in force by its grant: record the grant."
    )


def test_a_patent_does_not_expire_before_its_term_ends(patent):
    assert refused(set_status, patent, LegalStatus.EXPIRED, on=LAST_DAY) == (
        "The patent's term runs until 2041-02-28, so it has not expired (专利法第四十二条)."
    )
    patent.refresh_from_db()
    assert patent.legal_status == LegalStatus.VALID


def test_restored_rights_bring_a_lapsed_patent_back_into_force(patent, firm):
    set_status(patent, LegalStatus.LAPSED, on=D(2024, 9, 2))
    set_status(patent, LegalStatus.VALID, on=D(2024, 10, 15), reason="恢复权利")
    assert licence(patent, firm, start=D(2024, 11, 1)).kind == EntryKind.LICENCE


def test_only_registry_staff_change_a_legal_status(patent, user):
    with pytest.raises(PermissionDenied):
        services.legal_status_change(
            actor=user, patent=patent, status=LegalStatus.LAPSED, registration_date=D(2024, 9, 2)
        )
    patent.refresh_from_db()
    assert patent.legal_status == LegalStatus.VALID
