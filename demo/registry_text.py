"""What the demo patents say: technology fields with title parts, IPC codes, abstract sentences and inventor names.

The tables are in ``data/registry_text.toml``; this module reads them into
:class:`Field` and writes abstracts from them. :mod:`demo.registry_plan` draws
from them with a seeded random generator.

Titles follow CNIPA's habits: inventions and utility models are "一种……"
(utility models name a device or structure, never a method), designs name the
product. Each invention and utility-model subject carries the IPC code that
fits it; designs are classified by Locarno, not IPC, so they have no IPC codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .loading import read_data, tuples


@dataclass(frozen=True)
class Field:
    """A technology field: what its inventions, utility models and designs are about."""

    name: str
    domain: str  # "属于{domain}技术领域"
    techniques: tuple[str, ...]  # fill "{tech}" in an invention title, e.g. "基于深度学习"
    inventions: tuple[tuple[str, str], ...]  # (title, main IPC code)
    utility_models: tuple[tuple[str, str], ...]
    designs: tuple[tuple[str, str], ...]  # (product name, what it is used for)
    extra_ipc: tuple[str, ...]  # further codes a patent of the field may carry
    steps: tuple[str, ...]  # sentences for an invention's abstract
    effects: tuple[str, ...]


_DATA = read_data("registry_text")

FIELDS: dict[str, Field] = {
    key: Field(
        name=row["name"],
        domain=row["domain"],
        techniques=tuples(row["techniques"]),
        inventions=tuples(row["inventions"]),
        utility_models=tuples(row["utility_models"]),
        designs=tuples(row["designs"]),
        extra_ipc=tuples(row["extra_ipc"]),
        steps=tuples(row["steps"]),
        effects=tuples(row["effects"]),
    )
    for key, row in _DATA["fields"].items()
}
FIELD_WEIGHTS: dict[str, int] = _DATA["field_weights"]  # relative number of demo patents per field
UTILITY_MODEL_PARTS: tuple[str, ...] = tuples(_DATA["utility_model_parts"])
UTILITY_MODEL_QUALIFIERS: tuple[str, ...] = tuples(_DATA["utility_model_qualifiers"])
UTILITY_MODEL_EFFECTS: tuple[str, ...] = tuples(_DATA["utility_model_effects"])
SURNAMES: str = _DATA["surnames"]  # one character each
GIVEN: str = _DATA["given"]  # characters of given names


def abstract_for(field: Field, title: str, kind: str, pick) -> str:
    """An abstract in the style of the patent's type; ``pick`` is the generator's ``sample``."""
    if kind == "design":
        raise ValueError("designs use design_brief")
    if kind == "utility_model":
        first, second = pick(UTILITY_MODEL_PARTS, 2)
        (effect,) = pick(UTILITY_MODEL_EFFECTS, 1)
        return (
            f"本实用新型公开了{title}，属于{field.domain}技术领域，包括{first}和{second}，"
            f"{first}与{second}可拆卸连接。本实用新型{effect}。"
        )
    first, second = pick(field.steps, 2)
    (effect,) = pick(field.effects, 1)
    return f"本发明公开了{title}，属于{field.domain}技术领域。该技术方案{first}，并{second}。{effect}。"


def design_brief(product: str, use: str) -> str:
    """The brief explanation (简要说明) a design patent carries instead of an abstract."""
    return (
        f"1．本外观设计产品的名称：{product}。2．本外观设计产品的用途：用于{use}。"
        "3．本外观设计产品的设计要点：在于形状。4．最能表明设计要点的图片或照片：立体图。"
    )
