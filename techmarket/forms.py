"""Helpers shared by the apps' forms and views."""

from django import forms
from django.core.exceptions import ValidationError


def add_model_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's validation error on the form fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
