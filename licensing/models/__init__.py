"""Licensing's models, one module per part: open licences, pay-later agreements, reports, the risk fund, payments."""

from .agreements import Agreement, AgreementEvent, Instalment, PayLaterOffer
from .declarations import Declaration, DeclarationConsent, DeclaredPatent, LicenceNotice, OpenLicence
from .fund import Claim, CreditRecord, FundMovement, RiskFund
from .payments import Payment, SavedPaymentMethod, StripeCustomer, StripeEvent, Transaction
from .reports import RoyaltyReport

__all__ = [
    "Agreement",
    "AgreementEvent",
    "Claim",
    "CreditRecord",
    "Declaration",
    "DeclarationConsent",
    "DeclaredPatent",
    "FundMovement",
    "Instalment",
    "LicenceNotice",
    "OpenLicence",
    "PayLaterOffer",
    "Payment",
    "RiskFund",
    "RoyaltyReport",
    "SavedPaymentMethod",
    "StripeCustomer",
    "StripeEvent",
    "Transaction",
]
