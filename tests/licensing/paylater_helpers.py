"""What the pay-later tests share: a published listing of the university offering "use first, pay later", its
offer, an agreement moved along the table, and the fund's ledger check."""

import datetime
from decimal import Decimal

from licensing.choices import ConversionTrigger, PaymentForm
from licensing.services import fund as fund_services
from licensing.services import paylater
from listings.services.listings import Term
from tests.factories import make_listing

D = datetime.date
APPLIED_ON = D(2026, 1, 5)


def pay_later_listing(university):
    return make_listing(
        university, status="published", terms=[Term("pay_later", None), Term("ordinary_licence", 200000)]
    )


def make_offer(listing, fund=None, **terms):
    values = {
        "trial_months": 6,
        "trigger": ConversionTrigger.DATE,
        "payment_form": PaymentForm.INSTALMENTS,
        "fee": Decimal("120000.00"),
        "instalments": 4,
        "instalment_months": 3,
        "cap": None,
        "fund_covered": fund is not None,
        "fund": fund,
        "eligible_sizes": ["small", "micro"],
        "is_active": True,
        **terms,
    }
    return paylater.offer_save(actor=None, listing=listing, **values)


def applied(offer, firm, actor=None, on=APPLIED_ON):
    return paylater.agreement_apply(actor=actor, offer=offer, licensee=firm, note="用于新产线试制", on=on)


def in_trial(offer, firm, on=APPLIED_ON):
    return paylater.agreement_approve(actor=None, agreement=applied(offer, firm, on=on), on=on)


def assert_funds_balanced():
    checks = fund_services.funds_verify()
    assert checks and all(check.balanced for check in checks), [(c.fund, c.ledger_sum, c.fund.balance) for c in checks]
