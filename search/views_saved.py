"""Pages of saved searches: save one from the search page, list and delete them, unsubscribe from an alert.

The list and its actions are the signed-in user's own: someone else's saved
search is a 404. The unsubscribe link in an alert works without signing in:
its signed token is the proof, and a token that does not verify is a 400 page
saying so.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import saved_searches, selectors
from .forms import parse, querystring
from .forms_saved import SaveSearchForm
from .models import SavedSearch
from .tokens import saved_search_for_token


def _search_url(raw: str) -> str:
    """The search page for a query string: its canonical form if it is valid, the empty search otherwise."""
    form = parse(raw or "")
    canonical = querystring(form.search_query(), page=None) if form.is_valid() else ""
    path = reverse("search:search")
    return f"{path}?{canonical}" if canonical else path


def _problem(request: HttpRequest, *, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "search/saved_search_problem.html", {"title": title, "message": message}, status=status)


@login_required
def saved_search_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "search/saved_search_list.html", {"saved_searches": selectors.saved_searches_of(request.user)}
    )


@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    back = _search_url(request.POST.get("querystring", ""))
    if not request.user.is_authenticated:
        # After signing in they come back to the search, and save it from there.
        messages.info(request, _("Sign in to save this search and be told of new matches."))
        return redirect_to_login(back)
    form = SaveSearchForm(request.POST)
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _problem(request, title=_("The search is not saved"), message=message, status=400)
    try:
        saved_search = saved_searches.saved_search_create(
            user=request.user, querystring=form.cleaned_data["querystring"], name=form.cleaned_data["name"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Search saved as “%(name)s”. We will e-mail you once a day when new listings match it.")
            % {"name": saved_search.name},
        )
    return redirect(back)


def _own_saved_search(request: HttpRequest, pk: int) -> SavedSearch:
    return get_object_or_404(selectors.saved_searches_of(request.user), pk=pk)


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved_search = _own_saved_search(request, pk)
    saved_searches.saved_search_delete(user=request.user, saved_search=saved_search)
    messages.success(request, _("The saved search “%(name)s” is deleted.") % {"name": saved_search.name})
    return redirect("search:saved_search_list")


@login_required
@require_POST
def saved_search_alerts(request: HttpRequest, pk: int) -> HttpResponse:
    saved_search = _own_saved_search(request, pk)
    if request.POST.get("alerts") == "on":
        saved_searches.saved_search_subscribe(saved_search=saved_search)
        message = _("E-mail alerts for “%(name)s” are on: new matches from now on will be mailed once a day.")
    else:
        saved_searches.saved_search_unsubscribe(saved_search=saved_search)
        message = _("E-mail alerts for “%(name)s” are off.")
    messages.success(request, message % {"name": saved_search.name})
    return redirect("search:saved_search_list")


# Mail clients' one-click unsubscribe (RFC 8058) posts here without a CSRF token; the signed token is what protects
# the action, and all it can do is stop e-mails.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def saved_search_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        saved_search = saved_search_for_token(token)
    except signing.BadSignature:
        return _problem(
            request,
            title=_("This unsubscribe link is not valid"),
            message=_(
                "The link may have been cut short. Open the whole link from the e-mail, or sign in and turn the "
                "alerts off in your saved searches."
            ),
            status=400,
        )
    if saved_search is None:
        return _problem(
            request,
            title=_("This saved search no longer exists"),
            message=_("It was deleted, so it sends no more e-mails."),
            status=404,
        )
    if request.method == "POST":
        saved_searches.saved_search_unsubscribe(saved_search=saved_search)
        messages.success(request, _("You will receive no more e-mails for “%(name)s”.") % {"name": saved_search.name})
        return redirect(request.path)
    return render(request, "search/saved_search_unsubscribe.html", {"saved_search": saved_search})


urlpatterns = [
    path("search/saved/", saved_search_list, name="saved_search_list"),
    path("search/saved/new/", saved_search_create, name="saved_search_create"),
    path("search/saved/<int:pk>/delete/", saved_search_delete, name="saved_search_delete"),
    path("search/saved/<int:pk>/alerts/", saved_search_alerts, name="saved_search_alerts"),
    path("search/saved/unsubscribe/<str:token>/", saved_search_unsubscribe, name="saved_search_unsubscribe"),
]
