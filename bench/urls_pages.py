"""The project's URLs plus the two baselines ``bench/pages.py`` compares the pages with.

- ``/bench/trivial/`` answers "ok" through the same middleware as every page,
  without touching the database or a template: what is left of a request when
  the page itself costs nothing.
- ``/bench/frame/`` renders an empty page in the site's frame (``base.html``:
  header, navigation, language switcher, footer), with no query: what every
  page of the site costs before its own content.
"""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from techmarket import urls as project_urls

FRAME = engines["django"].from_string('{% extends "base.html" %}')


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def frame(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FRAME.render({}, request))


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("bench/frame/", frame, name="bench-frame"),
    *project_urls.urlpatterns,
]

handler403 = project_urls.handler403
handler404 = project_urls.handler404
