"""The signed token of a saved search's unsubscribe link: no login needed, the signature is the proof."""

from __future__ import annotations

from django.core import signing

from .models import SavedSearch

UNSUBSCRIBE_SALT = "search.saved_search.unsubscribe"


def unsubscribe_token(saved_search: SavedSearch) -> str:
    """The same token for a saved search every time (no timestamp: the link never expires)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(saved_search.pk)


def saved_search_for_token(token: str) -> SavedSearch | None:
    """The saved search a token names, or None if it has been deleted; ``signing.BadSignature`` if tampered with."""
    pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    if not isinstance(pk, int):
        raise signing.BadSignature("not a saved search")
    return SavedSearch.objects.filter(pk=pk).select_related("user").first()
