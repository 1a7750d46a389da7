"""The registry clerks' pages: record an event on a patent, the licences awaiting recordal, the documents.

Every page needs the ``registry-clerk`` permission (a 403 for anyone else
signed in; the sign-in page for visitors). Each form calls one of the registry's
services through :func:`ip_registry.documents.record_with_document`, which keeps
the supporting document; the service's refusals are shown on the form (above it,
or on the field they name) with a 400, and nothing is written then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techmarket import downloads
from techmarket.exceptions import Refused
from techmarket.forms import add_model_errors

from . import permissions, recordals, selectors, services
from .documents import record_with_document
from .forms_clerk import (
    AssignmentForm,
    EntryForm,
    LegalStatusForm,
    LicenceForm,
    LinkedRecordalForm,
    PledgeForm,
    PledgeReleaseForm,
    RecordalFilterForm,
    RecordalRecordForm,
)
from .ledger import derive_state
from .models import LicenceRecordal, Patent, RegistryDocument, RegistryEntry
from .numbers import InvalidPatentNumber, parse_application_number

PAGE_SIZE = 25


@dataclass(frozen=True)
class Recording:
    """One kind of event a clerk records: its form, the service that records it, and what the page says."""

    form_class: type[EntryForm]
    service: Callable[..., RegistryEntry]
    title: Promise
    done: Promise


RECORDINGS = {
    "assignment": Recording(
        AssignmentForm,
        services.patent_assign,
        gettext_lazy("Record an assignment"),
        gettext_lazy("The assignment has been recorded as entry #%(sequence)s."),
    ),
    "licence": Recording(
        LicenceForm,
        services.licence_record,
        gettext_lazy("Record a licence"),
        gettext_lazy("The licence has been recorded as entry #%(sequence)s."),
    ),
    "pledge": Recording(
        PledgeForm,
        services.pledge_record,
        gettext_lazy("Record a pledge"),
        gettext_lazy("The pledge has been recorded as entry #%(sequence)s."),
    ),
    "legal-status": Recording(
        LegalStatusForm,
        services.legal_status_change,
        gettext_lazy("Record a change of legal status"),
        gettext_lazy("The change of legal status has been recorded as entry #%(sequence)s."),
    ),
    "pledge-release": Recording(
        PledgeReleaseForm,
        services.pledge_release,
        gettext_lazy("Record a pledge's release"),
        gettext_lazy("The release of the pledge has been recorded as entry #%(sequence)s."),
    ),
}


def _require_clerk(request: HttpRequest) -> None:
    if not permissions.can_record_entries(request.user):
        raise PermissionDenied


def _patent(number: str) -> Patent:
    try:
        canonical = parse_application_number(number).canonical
    except InvalidPatentNumber as error:
        raise Http404(str(error)) from error
    return get_object_or_404(Patent, application_number=canonical)


def _record(
    request: HttpRequest, form: EntryForm | LinkedRecordalForm, service: Callable[..., RegistryEntry]
) -> RegistryEntry | None:
    """Call the service with the form's data and document; on a refusal, put it on the form and return None."""
    try:
        if isinstance(form, LinkedRecordalForm):
            return service(actor=request.user, recordal=form.recordal, **form.cleaned_data)
        return record_with_document(
            service, actor=request.user, document=form.cleaned_data["document"], **form.service_arguments()
        )
    except ValidationError as error:
        add_model_errors(form, error)
    except Refused as error:
        form.add_error(None, str(error))
    return None


def _recorded(request: HttpRequest, entry: RegistryEntry, done: str) -> HttpResponse:
    messages.success(request, done % {"sequence": entry.sequence})
    return redirect(f"{entry.patent.get_absolute_url()}#entry-{entry.sequence}")


def _refused(request: HttpRequest) -> None:
    messages.error(request, _("Nothing was recorded; see the messages below."))


@login_required
def entry_record(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """One of the events in RECORDINGS on this patent, with its supporting document."""
    _require_clerk(request)
    recording = RECORDINGS.get(kind)
    if recording is None:
        raise Http404
    patent = _patent(number)
    state = derive_state(selectors.patent_history(patent), timezone.localdate())
    extra = {"pledges": state.pledges} if recording.form_class is PledgeReleaseForm else {}
    form = recording.form_class(request.POST or None, request.FILES or None, patent=patent, state=state, **extra)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            entry = _record(request, form, recording.service)
            if entry is not None:
                return _recorded(request, entry, recording.done)
        _refused(request)
        status = 400
    context = {
        "patent": patent,
        "form": form,
        "title": recording.title,
        "kind": kind,
        "state": state,
        "holders": patent.right_holders.select_related("organisation"),
        "awaiting": selectors.recordals_awaiting(on=timezone.localdate(), patent=patent) if kind == "licence" else (),
    }
    return render(request, "ip_registry/entry_form.html", context, status=status)


@login_required
def recordal_list(request: HttpRequest) -> HttpResponse:
    """Licence contracts that took effect and are not recorded yet: due, or late past their three months."""
    _require_clerk(request)
    form = RecordalFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "ip_registry/recordal_list.html", {"form": form, "page": None}, status=400)
    today = timezone.localdate()
    found = selectors.recordals_awaiting(
        on=today, status=form.cleaned_data["status"], within_days=form.cleaned_data["within"]
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "today": today,
        "query": query.urlencode(),
        "filtered": any(value not in (None, "") for value in form.cleaned_data.values()),
    }
    return render(request, "ip_registry/recordal_list.html", context)


@login_required
def recordal_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contract awaiting recordal: its terms come from the contract, the clerk adds the registration."""
    _require_clerk(request)
    recordal = get_object_or_404(LicenceRecordal.objects.select_related("patent", "entry"), pk=pk)
    if recordal.is_recorded:
        messages.info(
            request,
            _("This licence contract has already been recorded (entry #%(sequence)s).")
            % {"sequence": recordal.entry.sequence},
        )
        return redirect(f"{recordal.patent.get_absolute_url()}#entry-{recordal.entry.sequence}")
    if recordal.entry_id is not None:  # in the ledger already: only CNIPA's recordal is entered
        form = LinkedRecordalForm(request.POST or None, recordal=recordal)
    else:
        form = RecordalRecordForm(request.POST or None, request.FILES or None, recordal=recordal)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            entry = _record(request, form, recordals.licence_recordal_record)
            if entry is not None:
                return _recorded(request, entry, _("The licence has been recorded as entry #%(sequence)s."))
        _refused(request)
        status = 400
    context = {"recordal": recordal, "patent": recordal.patent, "form": form}
    return render(request, "ip_registry/recordal_form.html", context, status=status)


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A supporting document, for registry clerks: saved as a file, never shown as a page."""
    if not permissions.can_download_documents(request.user):
        raise PermissionDenied
    document = get_object_or_404(RegistryDocument.objects.select_related("entry__patent"), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return downloads.file_download(handle, filename=document.download_name, content_type=document.content_type)
