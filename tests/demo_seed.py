"""The demo seeded once for all the tests of a module: before the first of them, rolled back after the last.

Seeding takes seconds (the registry and the listings go through every
service), so the demo tests share one seed per module instead of seeding in
each test, built once as the permission matrices build their worlds
(``worlds.built_once``): what a test writes goes away after it, and the whole
seed goes away after the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from demo import accounts, licensing, listings, market, pages, registry
from search import indexing
from search.backends import reset_backends
from tests.worlds import built_once

PARTS = {
    "accounts": accounts,
    "registry": registry,
    "listings": listings,
    "market": market,
    "licensing": licensing,
    "pages": pages,
}


@dataclass(frozen=True)
class SeededDemo:
    output: str  # what the first seed_demo printed
    index: dict[str, dict]  # search.indexing.status() right after it
    media: Path | None  # where the pictures went


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@contextmanager
def seeded_demo(django_db_blocker, *, media: Path | None = None, **steps) -> Iterator[SeededDemo]:
    """Seed the demo, keep it for the block, then roll it back.

    ``steps`` replace a part's ``STEPS`` for the whole block (``registry=()``
    leaves the registry out, ``registry=registry.steps(patent_count=30)``
    seeds a shorter plan); ``media`` is where uploaded pictures go. The pay-later offers and agreements
    (``licensing``) are planned on the full market: a block that replaces the listings leaves them out unless it
    gives its own.
    """
    if "listings" in steps:
        steps.setdefault("licensing", ())
    settings = {"MEDIA_ROOT": media} if media else {}
    with pytest.MonkeyPatch.context() as patch, override_settings(**settings), built_once(django_db_blocker):
        for name, part_steps in steps.items():
            patch.setattr(PARTS[name], "STEPS", part_steps)
        reset_backends()  # an empty search index of its own
        try:
            yield SeededDemo(seed(), indexing.status(), media)
        finally:
            reset_backends()
