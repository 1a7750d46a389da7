"""The "my licences" page: what a user's organisations hold (firms) and what they granted (universities).

Each list is paginated on its own (``?held=2``, ``?granted=3``...), read through the selectors in a fixed
number of queries. The rows link to the licence, agreement, declaration and payment pages by name; a page that
is not installed (a part of licensing not deployed) leaves its rows unlinked rather than breaking this one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from techmarket.accounts.choices import MembershipStatus, OrganisationKind
from techmarket.accounts.models import Organisation

from .. import selectors
from ..choices import AgreementState, DeclarationStatus, LicenceStatus

# The badge a state wears: good news green, something to do amber, the rest plain.
SUCCESS = {
    LicenceStatus.IN_FORCE,
    DeclarationStatus.IN_FORCE,
    AgreementState.TRIAL,
    AgreementState.PAYING,
    AgreementState.COMPLETED,
    AgreementState.COMPENSATED,
}
WARNING = {
    LicenceStatus.AWAITING_PAYMENT,
    DeclarationStatus.AWAITING_CONSENT,
    AgreementState.APPLIED,
    AgreementState.OVERDUE,
    AgreementState.GRACE,
    AgreementState.DEFAULTED,
    AgreementState.CLAIM,
}


def badge(state: str) -> str:
    return "badge-success" if state in SUCCESS else "badge-warning" if state in WARNING else ""


PER_PAGE = 20


def page_url(name: str, *args) -> str:
    """The URL of a licensing page by name, or "" when that page is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@dataclass
class Section:
    """One paginated list of the page, with its own page parameter."""

    param: str
    page: Page
    query: str  # the other parameters, kept by the pager's links


def _section(request: HttpRequest, param: str, queryset) -> Section:
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get(param))
    others = request.GET.copy()
    others.pop(param, None)
    return Section(param, page, others.urlencode())


def _licence_rows(page: Page) -> None:
    for licence in page.object_list:
        licence.url = page_url("licensing:licence_detail", licence.reference)
        licence.badge = badge(licence.status)
        licence.next = selectors.next_payment(licence)
        licence.due = selectors.due_reports(licence)
        licence.to_answer = selectors.reports_to_answer(licence)
        licence.notice_row = selectors.notice_of(licence)
        licence.terms_text = selectors.published_terms(licence)


def _agreement_rows(page: Page) -> None:
    for agreement in page.object_list:
        agreement.url = page_url("licensing:agreement_detail", agreement.reference)
        agreement.badge = badge(agreement.state)
        agreement.next = selectors.next_payment(agreement)
        agreement.due = selectors.due_reports(agreement)
        agreement.to_answer = selectors.reports_to_answer(agreement)


def _declaration_rows(page: Page) -> None:
    for declaration in page.object_list:
        declaration.url = page_url("licensing:declaration_detail", declaration.pk)
        declaration.badge = badge(declaration.status)
        declaration.terms_text = selectors.published_terms(declaration)


def _report_rows(page: Page) -> None:
    for report in page.object_list:
        parent = report.licence or report.agreement
        if report.licence_id:
            report.parent_url = page_url("licensing:licence_detail", parent.reference)
        else:
            report.parent_url = page_url("licensing:agreement_detail", parent.reference)
        report.parent = parent


@login_required
@require_safe
def my_licences(request: HttpRequest) -> HttpResponse:
    user = request.user
    kinds = set(
        Organisation.objects.filter(memberships__user=user, memberships__status=MembershipStatus.ACTIVE).values_list(
            "kind", flat=True
        )
    )
    held = {
        "licences": _section(request, "held", selectors.licences(user, side=selectors.HELD)),
        "agreements": _section(request, "held_agreements", selectors.agreements(user, side=selectors.HELD)),
        "reports": _section(request, "due", selectors.reports_due(user)),
    }
    granted = {
        "declarations": _section(request, "declarations", selectors.declarations_of(user)),
        "licences": _section(request, "granted", selectors.licences(user, side=selectors.GRANTED)),
        "agreements": _section(request, "granted_agreements", selectors.agreements(user, side=selectors.GRANTED)),
        "reports": _section(request, "to_answer", selectors.reports_awaiting_answer(user)),
    }
    for sections in (held, granted):
        _licence_rows(sections["licences"].page)
        _agreement_rows(sections["agreements"].page)
        _report_rows(sections["reports"].page)
    _declaration_rows(granted["declarations"].page)
    has_any = {
        name: any(section.page.paginator.count for section in sections.values())
        for name, sections in (("held", held), ("granted", granted))
    }
    return render(
        request,
        "licensing/pages/my_licences.html",
        {
            "held": held,
            "granted": granted,
            # A firm sees what it holds; a university or institute what it granted; anyone with rows on a side sees it.
            "show_held": OrganisationKind.ENTERPRISE in kinds or has_any["held"],
            "show_granted": bool(kinds - {OrganisationKind.ENTERPRISE}) or has_any["granted"],
        },
    )
