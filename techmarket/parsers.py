"""The API's JSON parser (``DEFAULT_PARSER_CLASSES``).

A module of its own: DRF reads its parser setting while ``rest_framework.views`` is still being imported, so this
must not import that module (``techmarket/api.py`` does).
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing documents nested deeper than any of this API's requests (400, not a 500).

    Python's decoder recurses once per level, so ``[`` repeated 100,000 times exhausts the stack while it parses
    (a RecursionError, which DRF's parser lets through); a few hundred levels parse, but would go on to recurse in
    whatever walks them next. No request of this API nests more than a few levels.
    """

    max_depth = 32

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise self._too_deep() from None
        if _depth_exceeds(data, self.max_depth):
            raise self._too_deep()
        return data

    def _too_deep(self) -> exceptions.ParseError:
        return exceptions.ParseError(
            _("JSON parse error: the document is nested more than %(depth)d levels deep.") % {"depth": self.max_depth}
        )


def _depth_exceeds(data, limit: int) -> bool:
    """Whether lists and objects in ``data`` nest more than ``limit`` deep; iterative, so any depth is safe."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        pending.extend((item, depth + 1) for item in value)
    return False
