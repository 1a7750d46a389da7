"""Reads of saved searches."""

from django.db.models import QuerySet

from techmarket.accounts.models import User

from .models import SavedSearch


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    """The user's saved searches, newest first."""
    return SavedSearch.objects.filter(user=user).order_by("-created_at", "-pk")
