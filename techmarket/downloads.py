"""Handing out files that people uploaded, so that a browser never takes one for a page of this site.

An uploaded file is checked by its content (``listings/files.py``), but a
browser may still be talked into rendering one: a PDF viewer runs scripts, a
file can be sniffed as HTML. Every such response therefore carries:

- ``Content-Security-Policy: sandbox; default-src 'none'``: if the browser
  renders it anyway, it runs in a unique origin with no scripts, forms or
  plugins, and loads nothing, so it cannot act as the signed-in visitor;
- ``X-Content-Type-Options: nosniff``: the declared type is the type;
- for documents, ``Content-Disposition: attachment``: saved, not shown.

Listing PDFs are served only by their download view (which checks who may see
the listing), the registry's supporting documents only by theirs (registry
clerks only); :func:`serve_media` serves the rest of ``MEDIA_ROOT`` where
Django serves media itself (``SERVE_MEDIA``: the embedded deployment and the
tests). A production web server that serves ``MEDIA_ROOT`` itself must do the
same (README, "Uploaded files").
"""

from __future__ import annotations

import posixpath
import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.views.static import serve

SANDBOX_POLICY = "sandbox; default-src 'none'"
# Media paths that only a view may hand out, each after its own permission check: the listings' PDF files, the
# registry's supporting documents and licensing's documents (the licence notices).
PRIVATE_MEDIA = re.compile(r"^(listings/[^/]+/files/|registry/|licensing/)")


def sandboxed(response: HttpResponseBase) -> HttpResponseBase:
    """The response with the headers that keep an uploaded file from acting as a page of the site."""
    response["Content-Security-Policy"] = SANDBOX_POLICY  # the CSP middleware leaves a header that is set alone
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_download(handle, *, filename: str, content_type: str) -> FileResponse:
    """An uploaded file to be saved under ``filename``, never shown in the browser."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    return sandboxed(response)


def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """A file of MEDIA_ROOT (images and their renditions), sandboxed; the private folders are a 404 here."""
    if PRIVATE_MEDIA.match(posixpath.normpath(path).lstrip("/")):
        raise Http404
    return sandboxed(serve(request, path, document_root=settings.MEDIA_ROOT))  # read per request: tests move it
