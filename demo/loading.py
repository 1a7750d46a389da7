"""Reading the demo's data files: TOML in ``data/``, read once per process.

The loaders beside each use (``accounts.py``, ``registry_text.py``, ...) turn
what is read here into their frozen dataclasses; this module only finds and
parses the files, and converts arrays to tuples so the dataclasses stay
hashable and compare equal however they were made.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def read_data(name: str) -> dict[str, Any]:
    """The parsed file ``data/<name>.toml``; tables keep the order they have in the file."""
    with (DATA_DIR / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def tuples(value: Any) -> Any:
    """Arrays as tuples, all the way down (tables are left as they are)."""
    if isinstance(value, list):
        return tuple(tuples(item) for item in value)
    return value


def int_keys(table: dict[str, Any]) -> dict[int, Any]:
    """A table keyed by numbers (TOML keys are always strings), in the file's order."""
    return {int(key): value for key, value in table.items()}
