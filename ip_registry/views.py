"""The public registry: the statistics dashboard, the search by number, a patent's page; the staff's target pages
and their import of CNIPA's bibliographic data.

Views stay thin: a form validates the request, selectors give the numbers,
``tables`` lays them out once for the HTML tables, the CSV files and the charts.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techmarket import csvexport

from . import permissions, selectors, tables
from .forms import FlowFilterForm, PatentImportForm, PatentSearchForm, TargetForm
from .imports import patents as patent_imports
from .imports.parties import added_description
from .ledger import derive_state
from .models import Target
from .numbers import InvalidPatentNumber, parse_application_number
from .targets import TARGET_FIELDS, target_save

# The selectors explain a broken chain in English; the page says it in the reader's language.
CHAIN_REASONS = {
    "previous hash does not match the entry before it": gettext_lazy(
        "its previous hash does not match the entry before it"
    ),
    "content does not match its hash": gettext_lazy("its content does not match its hash"),
}


def dashboard(request: HttpRequest) -> HttpResponse:
    """Cross-province flows, outflow and inflow, the yearly trend and progress against the targets.

    A fixed number of queries whatever the ledger holds: each statistic is one aggregate.
    """
    years = selectors.data_years()
    form = FlowFilterForm(request.GET, data_years=years)
    context = {
        "form": form,
        "years": years,
        "search_form": PatentSearchForm(),
        "can_import": permissions.can_record_entries(request.user),
    }
    if not form.is_valid():
        return render(request, "ip_registry/dashboard.html", context, status=400)
    filters = form.flow_filter()
    # The trend spans the registry's years unless the filter narrows them, so every filter shows the same axis.
    if years:
        trend_filters = replace(
            filters,
            start=filters.start or datetime.date(years[0], 1, 1),
            end=filters.end or datetime.date(years[1], 12, 31),
        )
    else:
        trend_filters = filters
    matrix = selectors.flow_matrix(filters)
    trend = selectors.yearly_trend(trend_filters)
    progress = selectors.targets_progress()
    built = {
        "flows": tables.flows_table(matrix),
        "regions": tables.regions_table(matrix),
        "targets": tables.targets_table(progress),
        "trend": tables.trend_table(trend),
    }
    if request.GET.get("format") == "csv":
        name = request.GET.get("table", "")
        if name not in built:
            raise Http404(_("There is no such table."))
        return _csv_response(built[name], _csv_filename(name, form.cleaned_data))
    context.update(
        matrix=matrix,
        trend=trend,
        progress=progress,
        tables=built,
        chart_data=tables.chart_data(matrix, trend),
        filtered=any(form.cleaned_data.values()),
        can_edit_targets=permissions.can_edit_targets(request.user),
        can_record_entries=permissions.can_record_entries(request.user),
    )
    return render(request, "ip_registry/dashboard.html", context)


def _csv_filename(name: str, filters: dict) -> str:
    parts = ["registry", name]
    if filters.get("year_from") or filters.get("year_to"):
        parts.append(f"{filters.get('year_from') or ''}-{filters.get('year_to') or ''}".strip("-"))
    parts += [value for value in (filters.get("kind"), filters.get("ipc_section")) if value]
    return "-".join(parts) + ".csv"


def _csv_response(table: tables.Table, filename: str) -> HttpResponse:
    """Through the one CSV writer: a byte-order mark for Excel, and no text cell a spreadsheet would run."""
    return csvexport.csv_response(table.csv_rows(), filename=filename)


def patent_search(request: HttpRequest) -> HttpResponse:
    """Find a patent by number in any form people write it; go to its page, or say what is wrong."""
    if "number" not in request.GET:
        return render(request, "ip_registry/patent_search.html", {"search_form": PatentSearchForm()})
    form = PatentSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "ip_registry/patent_search.html", {"search_form": form}, status=400)
    number = form.cleaned_data["number"]
    if selectors.patent_list().filter(application_number=number).exists():
        return redirect("ip_registry:patent_detail", number=number)
    return _not_in_registry(request, number, form)


def _not_in_registry(request: HttpRequest, number: str, form: PatentSearchForm | None = None) -> HttpResponse:
    form = form or PatentSearchForm(initial={"number": number})
    return render(request, "ip_registry/patent_search.html", {"search_form": form, "not_found": number}, status=404)


def patent_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A patent's details, its current right holders, its ledger history and whether that history is intact."""
    try:
        canonical = parse_application_number(number).canonical
    except InvalidPatentNumber as error:
        raise Http404(str(error)) from error
    if canonical != number:
        return redirect(reverse("ip_registry:patent_detail", args=[canonical]), permanent=True)
    patent = selectors.patent_list().filter(application_number=canonical).first()
    if patent is None:
        return _not_in_registry(request, canonical)
    history = list(selectors.patent_history(patent))
    chain = selectors.patent_chain_status(patent)
    today = timezone.localdate()
    can_record = permissions.can_record_entries(request.user)
    return render(
        request,
        "ip_registry/patent_detail.html",
        {
            "patent": patent,
            "holders": patent.right_holders.all(),
            "history": history,
            "state": derive_state(history, today),
            "withdrawal": selectors.open_licence_withdrawal(history),
            "chain": chain,
            "chain_reason": CHAIN_REASONS.get(chain.reason, chain.reason),
            "search_form": PatentSearchForm(),
            # The clerks' tools: the forms that record events, the contracts awaiting recordal, the documents.
            "can_record": can_record,
            "awaiting": selectors.recordals_awaiting(on=today, patent=patent) if can_record else (),
        },
    )


# Staff: the plan targets --------------------------------------------------------------------------------------


def _require_target_editor(request: HttpRequest) -> None:
    if not permissions.can_edit_targets(request.user):
        raise PermissionDenied


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    _require_target_editor(request)
    return render(request, "ip_registry/target_list.html", {"progress": selectors.targets_progress()})


@login_required
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_target_editor(request)
    target = get_object_or_404(Target, pk=pk) if pk is not None else None
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            # The service reads the row afresh: validating the form has already changed form.instance.
            saved = target_save(
                actor=request.user, target=target, **{name: form.cleaned_data[name] for name in TARGET_FIELDS}
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The target “%(target)s” has been saved.") % {"target": saved})
            return redirect("ip_registry:target_list")
    return render(request, "ip_registry/target_form.html", {"form": form, "target": target})


# Staff: importing CNIPA's bibliographic data --------------------------------------------------------------------

# More rows than this are the command's to import: a request cannot run for minutes (setting PATENT_IMPORT_PAGE_ROWS).
PATENT_IMPORT_PAGE_ROWS = 20_000


@login_required
def patent_import(request: HttpRequest) -> HttpResponse:
    """The command ``import_patents`` from a page: the same checks, the same report on every bad row, a dry run."""
    if not permissions.can_record_entries(request.user):
        raise PermissionDenied
    max_rows = getattr(settings, "PATENT_IMPORT_PAGE_ROWS", PATENT_IMPORT_PAGE_ROWS)
    form = PatentImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = patent_imports.patents_import(
            data=form.cleaned_data["file"].read(),
            actor=request.user,
            dry_run=form.cleaned_data["dry_run"],
            max_rows=max_rows,
        )
        if result.ok and not result.dry_run:
            form = PatentImportForm()  # written: the next file starts afresh
    columns = [
        {
            "header": accepted[0],
            "aliases": accepted[1:],
            "required": name in patent_imports.REQUIRED_COLUMNS,
            "help": patent_imports.COLUMN_HELP[name],
        }
        for name, accepted in patent_imports.COLUMNS.items()
    ]
    context = {"form": form, "result": result, "columns": columns, "max_rows": max_rows}
    if result is not None:
        context["added"] = [added_description(org, dry_run=result.dry_run) for org in result.organisations]
        context["problems"] = (
            _("%(count)d problem(s) found; nothing was written.") % {"count": len(result.errors)}
            if result.errors
            else ""
        )
    return render(request, "ip_registry/patent_import.html", context)
