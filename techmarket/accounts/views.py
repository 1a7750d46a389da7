"""Sign-up, sign-in, the organisation directory and pages, member management, verification.

Views stay thin: check permission through ``permissions``, call one service,
turn refused requests into messages.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techmarket import slots
from techmarket.audit.models import AuditEvent
from techmarket.forms import add_model_errors
from techmarket.ratelimit import ratelimit_hit
from techmarket.regions import gbt2260

from . import lockout, permissions, selectors, services
from .choices import MembershipStatus, OrganisationKind
from .exceptions import AccountsError
from .forms import (
    BrokerProfileForm,
    ChangeDecisionForm,
    LoginForm,
    MembershipRoleForm,
    OrganisationEditForm,
    OrganisationForm,
    SignupForm,
    VerificationForm,
)
from .models import BrokerProfile, Membership, Organisation, OrganisationChangeRequest


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = SignupForm(request.POST or None, prefix="user")
    org_form = OrganisationForm(request.POST or None, prefix="org")
    if request.method == "POST":
        creating = request.POST.get("user-mode") == SignupForm.MODE_CREATE
        forms_valid = form.is_valid() and (org_form.is_valid() if creating else True)
        if forms_valid:
            data = form.cleaned_data
            # Counted per address signed up with too, which bounds the e-mails one address can be sent.
            ratelimit_hit(request=request, scope="signup", account=data["email"])
            try:
                services.account_signup(
                    email=data["email"],
                    name=data["name"],
                    password=data["password1"],
                    phone=data["phone"] or None,
                    new_organisation=dict(org_form.cleaned_data) if creating else None,
                    join_organisation=None if creating else form.join_organisation,
                )
            except ValidationError as error:
                add_model_errors(org_form if creating else form, error)
            else:
                # The same answer whether or not the address already had an account (the service e-mails what
                # differs), so the new person is not signed in here: they sign in, as the owner of a taken one would.
                messages.success(
                    request,
                    _(
                        "Thank you. We have sent an e-mail to %(email)s about what happens next. "
                        "Sign in with your e-mail address and password to continue."
                    )
                    % {"email": data["email"]},
                )
                return redirect("accounts:login")
        messages.error(request, _("Please correct the errors below."))
    return render(request, "accounts/signup.html", {"form": form, "org_form": org_form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "email/password_reset.txt"
    subject_template_name = "email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Per address asked for, whether or not it has an account, so a refusal tells nothing about who has one.
        ratelimit_hit(request=self.request, scope="password_reset", account=form.cleaned_data["email"].strip().lower())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # The link in the e-mail proves the owner holds the mailbox: a sign-in lockout ends with the new password.
        lockout.signin_unlock(user=form.user)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:dashboard")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = selectors.user_memberships(user=request.user)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships,
            "can_verify": permissions.can_verify_organisations(request.user),
            "broker_profile": BrokerProfile.objects.filter(user=request.user).first(),
        },
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    province = request.GET.get("province", "")
    kind = request.GET.get("kind", "")
    if province and not gbt2260.is_province(province):
        province = ""
    if kind not in OrganisationKind.values:
        kind = ""
    organisations = selectors.organisation_list(province=province, kind=kind)
    page = Paginator(organisations, 24).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "page": page,
            "province": province,
            "kind": kind,
            "provinces": gbt2260.provinces()[:4],
            "kinds": OrganisationKind.choices,
        },
    )


def _visible_organisation(request: HttpRequest, pk: int) -> Organisation:
    """Verified organisations are public; others only to their members and platform staff (404 for the rest)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not organisation.is_verified and not permissions.can_view_members(request.user, organisation):
        raise Http404
    return organisation


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    user = request.user
    can_view_members = permissions.can_view_members(user, organisation)
    membership = (
        Membership.objects.filter(user=user, organisation=organisation).first() if user.is_authenticated else None
    )
    pending_change = (
        selectors.organisation_pending_change(organisation=organisation)
        if organisation.is_verified and permissions.can_see_change_requests(user, organisation)
        else None
    )
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "pending_change": pending_change,
            "membership": membership,
            "can_edit": permissions.can_edit_organisation(user, organisation),
            "can_view_members": can_view_members,
            "can_verify": permissions.can_verify_organisations(user),
            "can_request_join": user.is_authenticated and membership is None and organisation.is_verified,
            "history": AuditEvent.objects.for_object(organisation).select_related("actor")[:10]
            if can_view_members
            else [],
            # What other apps show on the page (the market: the import link, the organisation's listings).
            "actions": slots.render(slots.ORGANISATION_ACTIONS, request, organisation),
            "sections": slots.render(slots.ORGANISATION_SECTIONS, request, organisation),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    pending = selectors.organisation_pending_change(organisation=organisation) if organisation.is_verified else None
    form = OrganisationEditForm(request.POST or None, instance=organisation, pending_change=pending is not None)
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.fields}
            try:
                # A fresh row: validating the form has already copied the changes onto form.instance.
                result = services.organisation_update(
                    actor=request.user, organisation=Organisation.objects.get(pk=pk), **changes
                )
            except ValidationError as error:
                add_model_errors(form, error)
            except AccountsError as error:
                form.add_error(None, str(error))
            else:
                _say_saved(request, result)
                return redirect(organisation)
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "accounts/organisation_edit.html",
        {"organisation": organisation, "form": form, "pending_change": pending},
    )


def _field_labels(names) -> str:
    return get_text_list([str(Organisation._meta.get_field(name).verbose_name) for name in names], _("and"))


def _say_saved(request: HttpRequest, result: services.OrganisationUpdate) -> None:
    if result.change_request is None:
        messages.success(request, _("The organisation's details have been saved."))
        return
    if result.saved:
        messages.success(request, _("Saved: %(fields)s.") % {"fields": _field_labels(result.saved)})
    messages.info(
        request,
        _(
            "The change of %(fields)s has been sent to the platform staff for approval. Until they approve it, "
            "the organisation keeps its current details."
        )
        % {"fields": _field_labels(result.change_request.changed_fields())},
    )


@login_required
def organisation_members(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    if not permissions.can_view_members(request.user, organisation):
        raise PermissionDenied
    members = selectors.organisation_members(organisation=organisation)
    return render(
        request,
        "accounts/organisation_members.html",
        {
            "organisation": organisation,
            "active": [m for m in members if m.status == MembershipStatus.ACTIVE],
            "pending": [m for m in members if m.status == MembershipStatus.PENDING],
            "can_manage": permissions.can_manage_members(request.user, organisation),
            "role_form": MembershipRoleForm(),
        },
    )


def _membership_action(request: HttpRequest, pk: int, membership_pk: int, action) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    if not permissions.can_manage_members(request.user, organisation):
        raise PermissionDenied
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    try:
        message = action(membership)
    except AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect("accounts:organisation_members", pk=organisation.pk)


@login_required
@require_POST
def membership_approve(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    def action(membership):
        services.membership_approve(actor=request.user, membership=membership)
        return _("%(person)s is now a member.") % {"person": membership.user}

    return _membership_action(request, pk, membership_pk, action)


@login_required
@require_POST
def membership_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    form = MembershipRoleForm(request.POST)

    def action(membership):
        if not form.is_valid():
            raise AccountsError(_("Choose a valid role."))
        services.membership_change_role(actor=request.user, membership=membership, role=form.cleaned_data["role"])
        return _("The role of %(person)s has been changed.") % {"person": membership.user}

    return _membership_action(request, pk, membership_pk, action)


@login_required
@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    def action(membership):
        services.membership_remove(actor=request.user, membership=membership)
        return _("%(person)s has been removed.") % {"person": membership.user}

    return _membership_action(request, pk, membership_pk, action)


@login_required
@require_POST
def membership_join(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    try:
        services.membership_request(user=request.user, organisation=organisation)
    except AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Your request has been sent to the administrators of %(org)s.") % {"org": organisation}
        )
    return redirect(organisation)


@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_verify_organisations(request.user):
        raise PermissionDenied
    page = Paginator(selectors.organisations_awaiting_verification(), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/verification_queue.html",
        {
            "page": page,
            "form": VerificationForm(),
            # Few at a time (one per organisation at most): shown whole above the new organisations.
            "change_requests": selectors.organisation_changes_awaiting_decision(),
        },
    )


@login_required
@require_POST
def organisation_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_decide_organisation_changes(request.user):
        raise PermissionDenied
    change_request = get_object_or_404(OrganisationChangeRequest.objects.select_related("organisation"), pk=pk)
    organisation = change_request.organisation
    form = ChangeDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{organisation}: {error}")
        return redirect("accounts:verification_queue")
    approve = form.cleaned_data["decision"] == "approve"
    note = form.cleaned_data["note"]
    try:
        if approve:
            services.organisation_change_approve(actor=request.user, change_request=change_request, note=note)
        else:
            services.organisation_change_reject(actor=request.user, change_request=change_request, note=note)
    except AccountsError as error:
        messages.error(request, f"{organisation}: {error}")
    else:
        if approve:
            messages.success(
                request, _("The change of %(org)s's details is approved and applied.") % {"org": organisation}
            )
        else:
            messages.warning(
                request,
                _("The change of %(org)s's details has been rejected; its administrators were told why.")
                % {"org": organisation},
            )
    return redirect("accounts:verification_queue")


@login_required
@require_POST
def organisation_verify(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_verify_organisations(request.user):
        raise PermissionDenied
    organisation = get_object_or_404(Organisation, pk=pk)
    form = VerificationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{organisation}: {error}")
        return redirect("accounts:verification_queue")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.organisation_verify(
            actor=request.user, organisation=organisation, approve=approve, note=form.cleaned_data["note"]
        )
    except AccountsError as error:
        messages.error(request, str(error))
    else:
        _say_verified(request, organisation, approve)
    return redirect("accounts:verification_queue")


def _say_verified(request: HttpRequest, organisation: Organisation, approve: bool) -> None:
    if approve:
        messages.success(request, _("%(org)s is verified.") % {"org": organisation})
    else:
        messages.warning(
            request, _("%(org)s has been rejected; its administrators were told why.") % {"org": organisation}
        )


@login_required
def broker_profile(request: HttpRequest) -> HttpResponse:
    profile = BrokerProfile.objects.filter(user=request.user).prefetch_related("fields").first()
    initial = (
        {
            "certificate_number": profile.certificate_number,
            "provinces_served": profile.provinces_served,
            "fields": list(profile.fields.all()),
            "introduction": profile.introduction,
        }
        if profile
        else {}
    )
    form = BrokerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.broker_profile_save(
                    user=request.user,
                    certificate_number=data["certificate_number"],
                    provinces_served=data["provinces_served"],
                    field_ids=[f.pk for f in data["fields"]],
                    introduction=data["introduction"],
                    agency=profile.agency if profile else None,
                )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("Your technology manager profile has been saved."))
            return redirect("accounts:dashboard")
    return render(request, "accounts/broker_profile.html", {"form": form, "profile": profile})
