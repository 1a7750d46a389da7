"""Pages of open licence declarations: write one (with a review step), see it, withdraw it, answer as a co-owner.

Refusals (the registry's, the consents', the terms') come back as form errors with a 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ip_registry.exceptions import RegistryError
from techmarket.accounts.choices import MembershipRole, MembershipStatus
from techmarket.accounts.models import Organisation
from techmarket.forms import add_model_errors

from .. import permissions
from ..choices import ConsentStatus, DeclarationStatus
from ..exceptions import LicensingError
from ..forms_declarations import ConsentForm, DeclarationForm, WithdrawForm
from ..models import Declaration, DeclarationConsent
from ..services import declarations as services


def _administered(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=MembershipStatus.ACTIVE, memberships__role=MembershipRole.ADMIN
    ).order_by("name_zh")


def _member_of(user):
    return Organisation.objects.filter(memberships__user=user, memberships__status=MembershipStatus.ACTIVE)


def _refused(form, error: Exception) -> None:
    if isinstance(error, ValidationError):
        add_model_errors(form, error)
    else:
        form.add_error(None, str(error))


def _can_see(user, declaration: Declaration) -> bool:
    if permissions.is_member(user, declaration.licensor):
        return True
    if permissions.can_confirm_payments(user) or permissions.can_manage_fund(user):
        return True
    return any(permissions.is_member(user, consent.organisation) for consent in declaration.consents.all())


def _visible(request: HttpRequest, pk: int) -> Declaration:
    declaration = get_object_or_404(
        Declaration.objects.select_related("licensor").prefetch_related(
            "declared_patents__patent", "consents__organisation"
        ),
        pk=pk,
    )
    if not _can_see(request.user, declaration):
        raise Http404
    return declaration


@login_required
def declaration_list(request: HttpRequest) -> HttpResponse:
    mine = _member_of(request.user)
    declarations = (
        Declaration.objects.filter(licensor__in=mine)
        .select_related("licensor")
        .prefetch_related("declared_patents__patent")
    )
    consents = (
        DeclarationConsent.objects.filter(organisation__in=_administered(request.user), status=ConsentStatus.PENDING)
        .filter(declaration__status=DeclarationStatus.AWAITING_CONSENT)
        .select_related("declaration__licensor", "organisation")
    )
    return render(
        request,
        "licensing/declarations/declaration_list.html",
        {
            "declarations": declarations,
            "consents": consents,
            "can_declare": _administered(request.user).exists(),
        },
    )


@login_required
def declaration_create(request: HttpRequest) -> HttpResponse:
    organisations = list(_administered(request.user))
    if not organisations:
        messages.error(request, _("Only an administrator of a patentee organisation can declare an open licence."))
        return redirect("licensing:declaration_list")
    chosen = request.POST.get("org") or request.GET.get("org")
    organisation = next((o for o in organisations if str(o.pk) == chosen), organisations[0])
    form = DeclarationForm(request.POST or None, organisation=organisation)
    step, warnings, status = "edit", [], 200
    today = timezone.localdate()
    if request.method == "POST" and "edit" in request.POST:
        form.is_valid()  # back from the review to change the terms: the values as entered
    elif request.method == "POST" and form.is_valid():
        arguments = {
            "actor": request.user,
            "licensor": organisation,
            "patents": list(form.cleaned_data["patents"]),
            "period_end": form.cleaned_data["period_end"],
            "on": today,
            **form.terms(),
        }
        try:
            if "confirm" in request.POST:
                declaration = services.declaration_create(**arguments)
            else:
                warnings = services.declaration_check(**arguments)
                step = "review"
        except (ValidationError, LicensingError, RegistryError) as error:
            _refused(form, error)
            status = 400
        else:
            if step == "edit":
                if declaration.is_in_force:
                    messages.success(request, _("Your open licence declaration is on the registry and in force."))
                else:
                    messages.success(
                        request,
                        _("Your declaration is saved. It takes effect when every co-owner and pledgee has consented."),
                    )
                return redirect("licensing:declaration_detail", pk=declaration.pk)
    elif request.method == "POST":
        status = 400
    if status == 400:
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "licensing/declarations/declaration_form.html",
        {
            "form": form,
            "organisation": organisation,
            "organisations": organisations,
            "step": step,
            "warnings": warnings,
        },
        status=status,
    )


def _render_detail(request, declaration: Declaration, *, withdraw_form=None, status=200) -> HttpResponse:
    can_withdraw = declaration.is_in_force and permissions.is_admin(request.user, declaration.licensor)
    return render(
        request,
        "licensing/declarations/declaration_detail.html",
        {
            "declaration": declaration,
            "declared": declaration.declared_patents.all(),
            "consents": declaration.consents.all(),
            "can_withdraw": can_withdraw,
            "withdraw_form": withdraw_form or WithdrawForm(),
            "licence_count": declaration.licences.count(),
        },
        status=status,
    )


@login_required
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible(request, pk))


@login_required
@require_POST
def declaration_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _visible(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.declaration_withdraw(
                actor=request.user,
                declaration=declaration,
                reason=form.cleaned_data["reason"],
                on=timezone.localdate(),
            )
        except (ValidationError, LicensingError, RegistryError) as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("The declaration is withdrawn and announced on the registry; licences already granted remain valid."),
            )
            return redirect("licensing:declaration_detail", pk=declaration.pk)
    declaration = _visible(request, pk)
    return _render_detail(request, declaration, withdraw_form=form, status=400)


@login_required
def consent_answer(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(
        DeclarationConsent.objects.select_related("declaration__licensor", "organisation"), pk=pk
    )
    if not permissions.is_member(request.user, consent.organisation):
        raise Http404
    declaration = _visible(request, consent.declaration_id)
    form = ConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            give = form.cleaned_data["answer"] == "give"
            try:
                services.declaration_consent_answer(
                    actor=request.user,
                    consent=consent,
                    give=give,
                    note=form.cleaned_data["note"],
                    on=timezone.localdate(),
                )
            except (ValidationError, LicensingError, RegistryError) as error:
                _refused(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you: your consent is recorded.")
                    if give
                    else _("Your refusal is recorded; the patentee is told."),
                )
                return redirect("licensing:declaration_detail", pk=declaration.pk)
        status = 400
    answerable = consent.status == ConsentStatus.PENDING and declaration.status == DeclarationStatus.AWAITING_CONSENT
    return render(
        request,
        "licensing/declarations/consent_answer.html",
        {
            "consent": consent,
            "declaration": declaration,
            "declared": declaration.declared_patents.all(),
            "form": form,
            "can_answer": answerable and permissions.is_admin(request.user, consent.organisation),
        },
        status=status,
    )
