"""What a part of ``manage.py seed_demo`` is made of: steps that create demo data.

Each module of this app that seeds something (``accounts``, ``registry``,
``listings``, ``market``) exposes its steps as ``STEPS``; the command names
those modules in order (later ones build on earlier ones' rows), runs every
step and reports progress.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class DemoStep(Generic[T]):
    """One step of the demo seed: a label, the items it seeds and the function that seeds one item.

    ``apply`` must be idempotent: it looks the item up before creating anything
    and returns True only when it wrote something new. The command runs each
    call in its own transaction, so an item is either complete or absent.
    """

    label: str
    items: Sequence[T]
    apply: Callable[[T], bool]
