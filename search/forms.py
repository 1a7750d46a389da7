"""The search's query string, read and written in one place: the page, the API and saved searches share it.

Every filter is a repeatable parameter named as in ``query.py``
(``?q=电池&province=310000&province=320000&open_licence=1``); a URL carries
the whole search, so it can be shared, bookmarked or saved.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from listings.choices import DealMode, DemandStatus, ListingKind
from techmarket.accounts.choices import OrganisationKind
from techmarket.regions import gbt2260

from .documents import PRICE_BANDS, TRL_BANDS
from .query import (
    DEMANDS,
    LISTING_FACETS,
    LISTING_FILTERS,
    LISTING_FLAGS,
    LISTINGS,
    MAX_OFFSET,
    NEWEST,
    PRICE_ASC,
    PRICE_DESC,
    RELEVANCE,
    SearchQuery,
)

PAGE_SIZE = 20
MAX_PAGE = MAX_OFFSET // PAGE_SIZE
MAX_QUERY_LENGTH = 100

SORT_CHOICES = [
    (RELEVANCE, _("Best match")),
    (NEWEST, _("Newest")),
    (PRICE_ASC, _("Price, lowest first")),
    (PRICE_DESC, _("Price, highest first")),
]
IPC_SECTIONS = [(letter, letter) for letter in "ABCDEFGH"]


class CodesField(forms.MultipleChoiceField):
    """Several codes of one pattern (cities, field slugs), checked for form only: an unknown one finds nothing."""

    def __init__(self, *, regex: str, message, **kwargs):
        super().__init__(required=False, **kwargs)
        self.code_validator = RegexValidator(regex, message)

    def valid_value(self, value) -> bool:
        return True

    def validate(self, value) -> None:
        super().validate(value)
        for code in value:
            self.code_validator(code)


def _choices(name: str):
    return lambda: [(value, label) for value, label, *_bounds in {"trl": TRL_BANDS, "price": PRICE_BANDS}[name]]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), max_length=MAX_QUERY_LENGTH, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    province = forms.MultipleChoiceField(label=_("Province"), choices=gbt2260.province_choices, required=False)
    city = CodesField(label=_("City"), regex=r"^\d{6}$", message=_("A city is given by its six-digit code."))
    field = CodesField(
        label=_("Technology field"), regex=r"^[-a-z0-9]{1,50}$", message=_("Unknown technology field code.")
    )
    kind = forms.MultipleChoiceField(label=_("Kind"), choices=ListingKind.choices, required=False)
    deal_mode = forms.MultipleChoiceField(label=_("Deal mode"), choices=DealMode.choices, required=False)
    trl_band = forms.MultipleChoiceField(label=_("Readiness"), choices=_choices("trl"), required=False)
    price_band = forms.MultipleChoiceField(label=_("Price"), choices=_choices("price"), required=False)
    org_kind = forms.MultipleChoiceField(label=_("Owner"), choices=OrganisationKind.choices, required=False)
    ipc = forms.MultipleChoiceField(label=_("IPC section"), choices=IPC_SECTIONS, required=False)
    open_licence = forms.BooleanField(label=_("Open licence"), required=False)
    pay_later = forms.BooleanField(label=_("Use first, pay later"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(label=_("Page"), min_value=1, max_value=MAX_PAGE, required=False)

    def search_query(self, *, facets=LISTING_FACETS, page_size: int = PAGE_SIZE, highlight: bool = True) -> SearchQuery:
        """The search the (valid) form asks for."""
        data = self.cleaned_data
        filters = {name: tuple(data[name]) for name in LISTING_FILTERS if data.get(name)}
        filters |= {name: ("1",) for name in LISTING_FLAGS if data.get(name)}
        return SearchQuery(
            text=data.get("q") or "",
            filters=filters,
            facets=tuple(facets),
            sort=data.get("sort") or RELEVANCE,
            page=data.get("page") or 1,
            page_size=page_size,
            highlight=highlight,
            index=LISTINGS,
        )


class DemandSearchForm(forms.Form):
    """The demands tab: words, province and field; only open demands are searched."""

    q = SearchForm.base_fields["q"]
    province = SearchForm.base_fields["province"]
    field = SearchForm.base_fields["field"]
    page = SearchForm.base_fields["page"]

    def search_query(self, *, page_size: int = PAGE_SIZE) -> SearchQuery:
        data = self.cleaned_data
        filters = {name: tuple(data[name]) for name in ("province", "field") if data.get(name)}
        return SearchQuery(
            text=data.get("q") or "",
            filters={**filters, "status": (DemandStatus.OPEN.value,)},
            facets=("province", "field"),
            page=data.get("page") or 1,
            page_size=page_size,
            index=DEMANDS,
        )


class PageSearchForm(forms.Form):
    """The pages tab: words and a page number."""

    q = SearchForm.base_fields["q"]
    page = SearchForm.base_fields["page"]


def querystring(query: SearchQuery, **changes) -> str:
    """The query string of a search (page 1 and the default order left out), with some parameters changed."""
    params: dict[str, list[str]] = {"q": [query.text]} if query.text else {}
    for name, values in query.filters.items():
        if query.index == DEMANDS and name == "status":
            continue  # the demands tab always searches the open ones
        params[name] = list(values)
    if query.sort != RELEVANCE:
        params["sort"] = [query.sort]
    if query.page > 1:
        params["page"] = [str(query.page)]
    for name, value in changes.items():
        if value is None or value == [] or value == "":
            params.pop(name, None)
        else:
            params[name] = value if isinstance(value, list) else [str(value)]
    return urlencode(params, doseq=True)


def parse(querystring_or_params: str | QueryDict) -> SearchForm:
    """A bound form for a query string (a saved search's) or request parameters."""
    data = QueryDict(querystring_or_params) if isinstance(querystring_or_params, str) else querystring_or_params
    return SearchForm(data)
