"""The list pages' filter forms: read from the query string, or ignored with a warning when not understood."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _


def read_filters(request: HttpRequest, form_class: type[forms.Form]) -> tuple[forms.Form, dict]:
    """The form to show and the filters to apply: its cleaned data, or none (and a warning) if it is invalid."""
    form = form_class(request.GET or None)
    if not form.is_bound:
        return form, {}
    if form.is_valid():
        return form, form.cleaned_data
    messages.warning(request, _("Some filters were not understood and have been ignored."))
    return form_class(), {}
