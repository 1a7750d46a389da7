"""Errors of the registry. A :class:`RegistryError`'s message is shown to the user as it is."""

from techmarket.exceptions import Refused


class RegistryError(Refused):
    """The ledger refuses an event: the rules or the patent's current state do not allow it."""


class LedgerIsAppendOnly(Exception):
    """Registry entries are never changed or deleted; record a new event instead."""

    def __init__(self, message: str = "registry entries are append-only: record a new entry instead") -> None:
        super().__init__(message)
