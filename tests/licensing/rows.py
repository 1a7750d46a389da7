"""Licences, agreements, payments and reports written straight to the database, as their services leave them: for
the tests of the pages and the API, which read what the other parts write."""

from __future__ import annotations

import datetime
import hashlib
import itertools
from decimal import Decimal

from licensing.choices import (
    AgreementState,
    LicenceStatus,
    PaymentForm,
    PaymentPurpose,
    PaymentState,
    ReportStatus,
)
from licensing.models import Agreement, Instalment, LicenceNotice, OpenLicence, PayLaterOffer, Payment, RoyaltyReport
from listings.services.listings import Term
from tests.factories import make_listing

from .conftest import TODAY

_serial = itertools.count(1)


def payment(payer, payee, amount="50000.00", *, state=PaymentState.PENDING, purpose=PaymentPurpose.OPEN_LICENCE_FEE):
    n = next(_serial)
    return Payment.objects.create(
        reference=f"TMT{n:09d}",
        purpose=purpose,
        description="测试付款",
        amount=Decimal(amount),
        payer=payer,
        payee=payee,
        state=state,
        expires_at=datetime.datetime(2026, 12, 19, 12, tzinfo=datetime.UTC),
    )


def licence(declaration, licensee, *, status=LicenceStatus.IN_FORCE, pay=None, notice=True, on=TODAY) -> OpenLicence:
    """An open licence obtained under the declaration; ``pay`` a payment state makes its fee payment."""
    fields = {
        name: getattr(declaration, name)
        for name in ("fee_type", "lump_sum", "entry_fee", "royalty_rate", "royalty_base", "reporting_period")
    }
    row = OpenLicence.objects.create(
        reference=f"OL{next(_serial):08d}",
        declaration=declaration,
        licensor=declaration.licensor,
        licensee=licensee,
        term_start=on,
        term_end=declaration.period_end,
        status=status,
        effective_on=on if status == LicenceStatus.IN_FORCE else None,
        payment=payment(licensee, declaration.licensor, state=pay) if pay else None,
        **fields,
    )
    row.patents.set(declaration.patents.all())
    if notice:
        digest = hashlib.sha256(row.reference.encode()).hexdigest()
        LicenceNotice.objects.create(
            licence=row, html="<p>书面通知</p>", sha256_html=digest, pdf=f"{digest}.pdf", sha256_pdf=digest
        )
    return row


def pay_later_listing(owner, patent=None):
    return make_listing(
        owner, status="published", patents=[patent] if patent else None, terms=[Term("pay_later", None)]
    )


def agreement(listing, licensee, *, state=AgreementState.TRIAL, instalments=()) -> Agreement:
    """A pay-later agreement on the listing; ``instalments`` as (due date, amount, status)."""
    offer, _created = PayLaterOffer.objects.get_or_create(
        listing=listing,
        defaults={"trial_months": 6, "trigger": "date", "payment_form": PaymentForm.INSTALMENTS, "fee": Decimal(90000)},
    )
    row = Agreement.objects.create(
        reference=f"PL{next(_serial):08d}",
        offer=offer,
        listing=listing,
        licensor=listing.organisation,
        licensee=licensee,
        state=state,
        trial_months=6,
        trigger="date",
        payment_form=PaymentForm.INSTALMENTS,
        fee=Decimal(90000),
        instalments=len(instalments) or None,
        trial_start=TODAY,
        decision_date=TODAY + datetime.timedelta(days=180),
    )
    for number, (due_on, amount, status) in enumerate(instalments, start=1):
        Instalment.objects.create(agreement=row, number=number, due_on=due_on, amount=Decimal(amount), status=status)
    return row


def report(*, licence=None, agreement=None, status=ReportStatus.DUE, due_on=datetime.date(2027, 1, 31), royalty=None):
    return RoyaltyReport.objects.create(
        licence=licence,
        agreement=agreement,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        due_on=due_on,
        base="net_sales",
        rate=Decimal("3.00"),
        base_amount=Decimal(royalty) * 100 / 3 if royalty else None,
        royalty=Decimal(royalty) if royalty else None,
        status=status,
    )
