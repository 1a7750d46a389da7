"""The organisations a file names (assignors, assignees, applicants): shared by every registry import.

A party is matched to a registered organisation by its credit code, else by its exact Chinese name; one the
registry lacks is added awaiting verification, placed by what the whole file says of it (the first row that says
it wins): a province column, else the area code in its credit code, else the place its address begins with,
else the place its name begins with (GB/T 2260). Lookups are made for the whole file at once, a few queries
whatever its length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from techmarket.accounts import services as accounts_services
from techmarket.accounts.choices import OrganisationKind
from techmarket.accounts.models import Organisation
from techmarket.regions import gbt2260

_QUERY_CHUNK = 500  # keeps every IN (...) list well under SQLite's limit on query parameters
NO_PLACE = ("", "")
PARTY_SEPARATOR = re.compile(r"[;；]")  # between the parties named in one cell


def chunks(values: Iterable, size: int = _QUERY_CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class Party:
    name: str
    credit_code: str = ""
    province: str = ""  # as the file's province column gives it, already a province code
    address_place: tuple[str, str] = NO_PLACE  # (province, city or "") that the party's address begins with
    organisation: Organisation | None = None  # resolved in phase 1; unsaved if it is to be added


def party_key(organisation: Organisation):
    """How the ledger's parties are compared: by organisation row, or by name for one not added yet."""
    return organisation.pk if organisation.pk else f"new:{organisation.name_zh}"


def province_from_credit_code(code: str) -> str:
    province = code[2:4] + "0000"
    division = gbt2260.get_division(province)
    return province if division and division.current and gbt2260.is_province(province) else ""


def city_from_credit_code(code: str, province: str) -> str:
    area = code[2:8]
    for candidate in (area, area[:4] + "00"):
        if gbt2260.is_city_of(candidate, province):
            return candidate
    return ""


def kind_from_name(name: str) -> str:
    if name.endswith("公司") or "有限" in name:
        return OrganisationKind.ENTERPRISE
    if any(word in name for word in ("大学", "学院", "学校")):
        return OrganisationKind.UNIVERSITY
    if any(word in name for word in ("研究院", "研究所", "科学院", "研究中心", "实验室")):
        return OrganisationKind.INSTITUTE
    return OrganisationKind.ENTERPRISE


# Given the name of an organisation that cannot be placed, the message saying which column would place it.
Unplaced = Callable[[str], str]


class PartyResolver:
    """The organisation of every party a file names: registered, or planned (unsaved) to be added.

    Built from every (row number, party) of the file; :meth:`resolve` then gives each party's organisation, or
    None with the reasons added to the row's problems. While importing, :meth:`add` adds the planned
    organisations a batch of rows names (through the accounts service, with an audit row each) and
    :meth:`saved` gives a party's organisation as saved.
    """

    def __init__(self, named: Iterable[tuple[int, Party]]) -> None:
        named = sorted(named, key=lambda item: item[0])
        parties = [party for _row, party in named]
        known: dict[int, Organisation] = {}  # one instance per row, whichever way it was found
        for chunk in chunks({party.credit_code for party in parties if party.credit_code}):
            known.update((org.pk, org) for org in Organisation.objects.filter(credit_code__in=chunk))
        for chunk in chunks({party.name for party in parties}):
            known.update((org.pk, org) for org in Organisation.objects.filter(name_zh__in=chunk))
        self.by_code = {org.credit_code: org for org in known.values()}
        self.by_name = {org.name_zh: org for org in known.values()}
        # What the whole file says about organisations the registry lacks: the first row wins.
        self.code_of: dict[str, tuple[str, int]] = {}
        self.name_of: dict[str, tuple[str, int]] = {}
        self.province_of_name: dict[str, str] = {}
        self.address_of_name: dict[str, tuple[str, str]] = {}
        for row_number, party in named:
            if party.credit_code and party.credit_code not in self.by_code:
                self.code_of.setdefault(party.name, (party.credit_code, row_number))
                self.name_of.setdefault(party.credit_code, (party.name, row_number))
            if party.province:
                self.province_of_name.setdefault(party.name, party.province)
            if party.address_place[0]:
                self.address_of_name.setdefault(party.name, party.address_place)
        self.new_organisations: dict[str, Organisation] = {}  # planned, by name
        self._new_problems: dict[str, list[str]] = {}
        self.added: dict[str, Organisation] = {}  # saved while importing, by name, in the order added

    def resolve(self, party: Party, problems: list[str], *, unplaced: Unplaced) -> Organisation | None:
        """The party's organisation: registered (by credit code, else by name), or one to add; None if neither."""
        if party.credit_code:
            organisation = self.by_code.get(party.credit_code)
            if organisation:
                return organisation
            registered = self.by_name.get(party.name)
            if registered and registered.credit_code is None:
                return registered  # an earlier import added it without a code; its claimant will give one
            if registered:
                problems.append(
                    _("%(name)s is registered with the credit code %(registered)s, not %(given)s.")
                    % {"name": party.name, "registered": registered.credit_code, "given": party.credit_code}
                )
                return None
            first_code, first_row = self.code_of[party.name]
            if first_code != party.credit_code:
                problems.append(
                    _("%(name)s has the credit code %(first)s in row %(row)d and %(given)s here.")
                    % {"name": party.name, "first": first_code, "row": first_row, "given": party.credit_code}
                )
                return None
            first_name, first_row = self.name_of[party.credit_code]
            if first_name != party.name:
                problems.append(
                    _("The credit code %(code)s belongs to %(first)s in row %(row)d, not to %(name)s.")
                    % {"code": party.credit_code, "first": first_name, "row": first_row, "name": party.name}
                )
                return None
        else:
            organisation = self.by_name.get(party.name)
            if organisation:
                return organisation
        code = self.code_of[party.name][0] if party.name in self.code_of else None
        return self._new_organisation(party.name, code, unplaced, problems)

    def _new_organisation(
        self, name: str, credit_code: str | None, unplaced: Unplaced, problems: list[str]
    ) -> Organisation | None:
        """The organisation to add (unsaved, unverified), checked once however many rows name it.

        Without a credit code it waits for someone from it to register and claim it
        (``Organisation.objects.claimable()``).
        """
        if name not in self.new_organisations and name not in self._new_problems:
            found: list[str] = []
            province, city = self.place(name, credit_code)
            if not province:
                found.append(unplaced(name))
            else:
                organisation = Organisation(
                    kind=kind_from_name(name), name_zh=name, credit_code=credit_code, province=province, city=city
                )
                try:
                    # Its name and code are not registered: the lookups above would have found them.
                    organisation.full_clean(validate_unique=False)
                except ValidationError as error:
                    found.extend(f"{name}: {message}" for message in error.messages)
                else:
                    self.new_organisations[name] = organisation
            self._new_problems[name] = found
        problems.extend(self._new_problems[name])
        return self.new_organisations.get(name)

    def place(self, name: str, credit_code: str | None) -> tuple[str, str]:
        """A new organisation's province and city, from the first of these that gives a province: the file's
        province column, its credit code, its address, its name. The city comes from the first of the code,
        the address and the name that places it in that province."""
        from_code = (province_from_credit_code(credit_code), "") if credit_code else NO_PLACE
        if from_code[0]:
            from_code = (from_code[0], city_from_credit_code(credit_code, from_code[0]))
        from_address = self.address_of_name.get(name, NO_PLACE)
        from_name = gbt2260.place_in_name(name) or NO_PLACE
        province = self.province_of_name.get(name) or from_code[0] or from_address[0] or from_name[0]
        city = next((city for place, city in (from_code, from_address, from_name) if place == province and city), "")
        return province, city

    def add(self, parties: Iterable[Party], *, actor, source: str) -> None:
        """Add, in one go, the planned organisations these parties name that are not added yet.

        Through the accounts service, with an audit row each; the planned instances stay unsaved, so that
        :func:`party_key` keeps telling them apart from the registry's parties for the rest of the import.
        """
        planned: dict[str, Organisation] = {}
        for party in parties:
            organisation = party.organisation
            if organisation.pk is None and organisation.name_zh not in self.added:
                planned.setdefault(organisation.name_zh, organisation)
        if not planned:
            return
        added = accounts_services.organisations_add_unverified(
            actor=actor,
            organisations=[
                Organisation(
                    kind=organisation.kind,
                    name_zh=organisation.name_zh,
                    credit_code=organisation.credit_code,
                    province=organisation.province,
                    city=organisation.city,
                )
                for organisation in planned.values()
            ],
            source=source,
        )
        self.added.update((organisation.name_zh, organisation) for organisation in added)

    def saved(self, party: Party, *, actor, source: str) -> Organisation:
        """The party's organisation, added now if it was planned (once, however many rows name it)."""
        if party.organisation.pk is not None:
            return party.organisation
        self.add([party], actor=actor, source=source)
        return self.added[party.organisation.name_zh]


def added_description(organisation: Organisation, *, dry_run: bool) -> str:
    """A line of an import's report: an organisation it added (or would add) and where it placed it."""
    place = organisation.province_name + (" " + organisation.city_name if organisation.city else "")
    values = {"name": organisation.name_zh, "place": place}
    if organisation.credit_code:
        return (_("Would add %(name)s (%(place)s)") if dry_run else _("Added %(name)s (%(place)s)")) % values
    return (
        _("Would add %(name)s (%(place)s), without a credit code until someone from it registers")
        if dry_run
        else _("Added %(name)s (%(place)s), without a credit code until someone from it registers")
    ) % values
