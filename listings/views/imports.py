"""The bulk import page: a member of a university or institute uploads a CSV file of listings, sees a report on
every row, then confirms to create them as drafts.

The preview is a dry run of the real import. The confirmation carries the previewed file itself, compressed and
signed (``django.core.signing``, bound to the organisation and the user, valid for an hour), so the file written
is exactly the file previewed and nothing is kept on the server between the two steps. A payload that does not
verify is refused with a 400 and nothing is written. The confirmation runs the whole import again: if something
changed in between (a patent assigned away, a listing with the same title added), it is refused with the report.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from techmarket.accounts import permissions as account_permissions
from techmarket.accounts.models import Organisation

from .. import permissions
from ..exceptions import ListingError
from ..services import imports as services

SALT = "listings.import"
PAYLOAD_MAX_AGE = 60 * 60  # seconds between the preview and the confirmation


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=gettext_lazy(
            "Saved from the spreadsheet as CSV (UTF-8 or GB18030), the first row naming the columns."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = services.max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; at most %(limit)s can be imported at once. Split it into several files.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    """Its members, if it is a verified university or institute. Unverified ones stay invisible (404) to others."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not organisation.is_verified and not account_permissions.can_view_members(request.user, organisation):
        raise Http404
    if not permissions.can_create_listing(request.user, organisation):
        raise PermissionDenied
    return organisation


def _sign(request: HttpRequest, organisation: Organisation, filename: str, data: bytes) -> str:
    content = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    return signing.dumps(
        {"org": organisation.pk, "user": request.user.pk, "name": filename, "data": content}, salt=SALT
    )


class _BadPayload(Exception):
    pass


def _unsign(request: HttpRequest, organisation: Organisation, token: str) -> tuple[str, bytes]:
    """The previewed file's name and content; raises signing.SignatureExpired or _BadPayload."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=PAYLOAD_MAX_AGE)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        raise _BadPayload from None
    if not isinstance(payload, dict) or payload.get("org") != organisation.pk or payload.get("user") != request.user.pk:
        raise _BadPayload
    try:
        return str(payload["name"]), zlib.decompress(base64.b64decode(payload["data"], validate=True))
    except (KeyError, TypeError, ValueError, binascii.Error, zlib.error):
        raise _BadPayload from None


def _render(request, organisation, *, form=None, report=None, payload="", status=200) -> HttpResponse:
    columns = [
        {
            "header": accepted[0],
            "aliases": accepted[1:],
            "required": name in services.REQUIRED_COLUMNS,
            "help": services.COLUMN_HELP[name],
        }
        for name, accepted in services.COLUMNS.items()
    ]
    return render(
        request,
        "listings/listing_import.html",
        {
            "organisation": organisation,
            "form": form or ImportUploadForm(),
            "report": report,
            "payload": payload,
            "columns": columns,
            "max_rows": services.max_rows(),
            "max_size": services.max_bytes(),
        },
        status=status,
    )


def _run(request, organisation, *, data: bytes, filename: str, dry_run: bool):
    try:
        return services.listings_import(
            actor=request.user, organisation=organisation, data=data, filename=filename, dry_run=dry_run
        )
    except ListingError as error:  # the organisation's standing changed since the page was opened
        messages.error(request, str(error))
        return None


@login_required
def listing_import(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(request, organisation)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _render(request, organisation, form=form)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _render(request, organisation, form=form)
    upload = form.cleaned_data["file"]
    filename = PurePath(upload.name or "").name[:100]
    data = upload.read()
    report = _run(request, organisation, data=data, filename=filename, dry_run=True)
    if report is None:
        return _render(request, organisation, form=form)
    if not report.ok:
        messages.error(request, _("Nothing can be imported from this file yet: see the problems below."))
        return _render(request, organisation, report=report)
    payload = _sign(request, organisation, filename, data)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and len(payload) > limit - 4096:  # the confirmation must fit in a form Django will read
        messages.error(
            request,
            _("This file is too large to confirm through the page. Split it into smaller files and import each."),
        )
        return _render(request, organisation, report=report)
    return _render(request, organisation, report=report, payload=payload)


def _confirm(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    try:
        filename, data = _unsign(request, organisation, request.POST["payload"])
    except signing.SignatureExpired:
        messages.error(request, _("The preview has expired. Upload the file again to check it once more."))
        return _render(request, organisation, status=400)
    except _BadPayload:
        messages.error(request, _("The confirmation does not match a file previewed here. Upload the file again."))
        return _render(request, organisation, status=400)
    report = _run(request, organisation, data=data, filename=filename, dry_run=False)
    if report is None:
        return _render(request, organisation, status=400)
    if not report.ok:
        messages.error(
            request,
            _(
                "Nothing was imported: the file no longer passes the checks (see below). "
                "Correct it and upload it again."
            ),
        )
        return _render(request, organisation, report=report)
    count = len(report.created)
    messages.success(
        request,
        ngettext(
            "%(count)d listing was imported as a draft. Review it, add images, and submit it for review.",
            "%(count)d listings were imported as drafts. Review each, add images, and submit it for review.",
            count,
        )
        % {"count": count},
    )
    return redirect("listings:my_listings")


@login_required
def listing_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    """A CSV file with the header and one example row; the byte-order mark lets Excel read it as UTF-8."""
    organisation = _organisation(request, pk)
    response = HttpResponse(services.import_template(organisation), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="listings-import-template.csv"'
    return response


urlpatterns = [
    path("organisations/<int:pk>/listings/import/", listing_import, name="listing_import"),
    path(
        "organisations/<int:pk>/listings/import/template.csv", listing_import_template, name="listing_import_template"
    ),
]
