"""The registry's read API: patents, ledger entries, flows and targets under /api/v1/registry/."""

import datetime
from urllib.parse import quote

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from ip_registry import services
from ip_registry.choices import LicenceType, TargetMetric
from ip_registry.models import RegistryEntry, Target
from ip_registry.numbers import InvalidPatentNumber, parse_application_number
from tests.factories import make_patent, organisation_in

pytestmark = pytest.mark.django_db
D = datetime.date
SH, JS, ZJ, AH, BJ = "310000", "320000", "330000", "340000", "110000"
API = "/api/v1/registry/"
X_NUMBER = "200710308494.X"  # a real number whose check character is X


# The API answers in the site's default language (its URLs carry no language prefix), so messages are compared
# with what the parser or gettext says in that language, and DRF's own with a language-neutral part of them.


def site_language(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


def number_error(form: str) -> str:
    with translation.override(settings.LANGUAGE_CODE), pytest.raises(InvalidPatentNumber) as error:
        parse_application_number(form)
    return str(error.value)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def orgs():
    return {code: organisation_in(code) for code in (SH, JS, AH)}


@pytest.fixture
def ledger(orgs):
    """Three patents and seven entries.

    #1-#2 battery: application and grant (Shanghai); #3-#4 vision: application and grant (Anhui, a utility model
    in G06N); #5 pending: application (Shanghai, number ending in X); #6 battery assigned Shanghai -> Jiangsu
    (2022); #7 vision licensed Anhui -> Shanghai (2023).
    """
    battery = make_patent(orgs[SH], year=2020, title="锂电池正极材料")
    vision = make_patent(orgs[AH], year=2020, type_digit="2", title="视觉检测装置", ipc_codes=["G06N 3/08"])
    pending = services.patent_register(
        actor=None,
        application_number=X_NUMBER.lower(),
        title="待审发明",
        filing_date=D(2007, 12, 1),
        holders=[services.Holding(orgs[SH])],
        ipc_codes=["H04L 9/06"],
    )
    services.patent_assign(
        actor=None, patent=battery, assignees=[services.Holding(orgs[JS])], registration_date=D(2022, 3, 1)
    )
    services.licence_record(
        actor=None,
        patent=vision,
        licensees=[services.Holding(orgs[SH])],
        licence_type=LicenceType.ORDINARY,
        registration_date=D(2023, 5, 1),
        term_start=D(2023, 5, 1),
        term_end=D(2026, 4, 30),
    )
    return {"battery": battery, "vision": vision, "pending": pending}


def numbers(response):
    return [row["application_number"] for row in response.json()["results"]]


# Patents -------------------------------------------------------------------------------------------------------


def test_patent_list_shows_each_patent_with_its_current_holders(api, ledger, orgs):
    response = api.get(f"{API}patents/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    battery = next(row for row in body["results"] if row["title"] == "锂电池正极材料")
    number = ledger["battery"].application_number
    assert battery["application_number"] == number
    assert battery["patent_number"] == f"ZL{number}"
    assert battery["type"] == "invention"
    assert battery["legal_status"] == "valid"
    assert battery["filing_date"] == "2020-03-01"
    assert battery["grant_date"] == "2021-06-01"
    assert battery["ipc_codes"] == ["H01M 10/0525"]
    assert battery["right_holders"] == [{"organisation": orgs[JS].pk, "name": orgs[JS].name_zh, "share": "100.00"}]
    assert battery["url"].endswith(f"/registry/patents/{number}/")
    pending = next(row for row in body["results"] if row["application_number"] == X_NUMBER)
    assert pending["patent_number"] is None
    assert pending["legal_status"] == "pending"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("legal_status=pending", ["pending"]),
        ("legal_status=valid", ["battery", "vision"]),
        ("patent_type=utility_model", ["vision"]),
        ("ipc_section=G", ["vision"]),
        ("ipc_section=H&legal_status=valid", ["battery"]),
        ("holder={SH}", ["pending"]),
        ("holder={JS}", ["battery"]),
        ("holder={AH}&patent_type=invention", []),
    ],
)
def test_patent_filters(api, ledger, orgs, query, expected):
    query = query.format(SH=orgs[SH].pk, JS=orgs[JS].pk, AH=orgs[AH].pk)
    response = api.get(f"{API}patents/?{query}")
    assert response.status_code == 200
    assert sorted(numbers(response)) == sorted(ledger[name].application_number for name in expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("legal_status=sold", "legal_status"),
        ("patent_type=trademark", "patent_type"),
        ("holder=abc", "holder"),
        ("holder=0", "holder"),
        ("ipc_section=Z", "ipc_section"),
    ],
)
def test_bad_patent_filter_is_a_400_naming_the_parameter(api, ledger, query, field):
    response = api.get(f"{API}patents/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    "form",
    [
        X_NUMBER,
        "200710308494.x",
        "CN200710308494.X",
        "ZL200710308494.X",
        "zl 2007 1030 8494.x",
        "200710308494X",
        "２００７１０３０８４９４．Ｘ",
        "ＺＬ２００７１０３０８４９４Ｘ",
    ],
)
def test_a_patent_is_found_by_its_number_in_any_form(api, ledger, form):
    response = api.get(f"{API}patents/{quote(form, safe='')}/")
    assert response.status_code == 200, response.content
    assert response.json()["application_number"] == X_NUMBER
    assert response.json()["title"] == "待审发明"


def test_a_number_with_its_dot_needs_no_trailing_slash(api, ledger):
    number = ledger["battery"].application_number
    assert api.get(f"{API}patents/{number}").json()["application_number"] == number
    assert api.get(f"{API}patents/CN{X_NUMBER.lower()}").json()["application_number"] == X_NUMBER
    assert api.get(f"{API}patents/ZL{X_NUMBER}").json()["application_number"] == X_NUMBER  # an upper-case X
    assert api.get(f"{API}patents/{number}.json").json()["application_number"] == number
    assert api.get(f"{API}patents/202311432805.9").status_code == 404


@pytest.mark.parametrize(
    ("form", "hint"),
    [("202311432805.8", "9"), ("20231143280.9", "11"), ("202341432805.9", "4"), ("patent-1", "-")],
)
def test_a_malformed_number_is_a_400_saying_what_is_wrong(api, ledger, form, hint):
    response = api.get(f"{API}patents/{quote(form, safe='')}/")
    assert response.status_code == 400
    assert response.json() == {"number": [number_error(form)]}
    assert hint in response.json()["number"][0]


def test_an_unknown_valid_number_is_a_404(api, ledger):
    response = api.get(f"{API}patents/202311432805.9/")
    assert response.status_code == 404
    assert "202311432805.9" in response.json()["detail"]
    assert api.get(f"{API}patents/ZL202311432805.9/history/").status_code == 404


def test_patent_history_lists_its_entries_oldest_first(api, ledger, orgs):
    number = ledger["battery"].application_number
    response = api.get(f"{API}patents/ZL{number.replace('.', '')}/history/")
    assert response.status_code == 200
    entries = response.json()
    assert [entry["kind"] for entry in entries] == ["application", "grant", "assignment"]
    assert [entry["patent"] for entry in entries] == [number] * 3
    assignment = entries[-1]
    assert [party["organisation"] for party in assignment["parties"]["from"]] == [orgs[SH].pk]
    assert [party["organisation"] for party in assignment["parties"]["to"]] == [orgs[JS].pk]
    assert assignment["cross_province"] is True
    assert api.get(f"{API}patents/{quote('2023 1143 2805 8', safe='')}/history/").status_code == 400


def test_patent_list_queries_do_not_grow_with_its_length(api, orgs, django_assert_max_num_queries):
    make_patent(orgs[SH], orgs[JS])
    with django_assert_max_num_queries(4):
        assert api.get(f"{API}patents/").json()["count"] == 1
    for _ in range(12):
        make_patent(orgs[SH], orgs[AH], organisation_in(ZJ))
    with django_assert_max_num_queries(4):
        body = api.get(f"{API}patents/").json()
    assert body["count"] == 13
    assert all(len(row["right_holders"]) in (2, 3) for row in body["results"])


# Entries -------------------------------------------------------------------------------------------------------


def test_entry_list_is_the_ledger_newest_first_with_parties_and_hashes(api, ledger, orgs):
    response = api.get(f"{API}entries/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert [entry["sequence"] for entry in body["results"]] == [7, 6, 5, 4, 3, 2, 1]
    licence, assignment = body["results"][0], body["results"][1]
    assert licence["kind"] == "licence"
    assert licence["licence_type"] == "ordinary"
    assert licence["term_end"] == "2026-04-30"
    assert (licence["from_region"], licence["to_region"]) == (AH, SH)
    assert licence["ipc_section"] == "G"
    assert licence["previous_hash"] == assignment["hash"]
    assert licence["hash"] == RegistryEntry.objects.get(sequence=7).hash
    assert body["results"][-1]["previous_hash"] == "0" * 64
    assert assignment["parties"]["to"][0] == {
        "organisation": orgs[JS].pk,
        "name": orgs[JS].name_zh,
        "credit_code": orgs[JS].credit_code,
        "province": JS,
        "city": orgs[JS].city,
        "share": "100.00",
    }
    assert assignment["parties"]["from"][0]["share"] == "100.00"
    assert licence["parties"]["to"][0]["share"] is None


@pytest.mark.parametrize(
    ("query", "sequences"),
    [
        ("kind=assignment", [6]),
        ("cross_province=true", [7, 6]),
        ("cross_province=false", [5, 4, 3, 2, 1]),
        ("from_region=340000", [7]),
        ("to_region=320000", [6]),
        ("to_region=310000&kind=application", [5, 1]),
        ("registered_from=2022-01-01", [7, 6]),
        ("registered_from=2021-01-01&registered_to=2022-12-31", [6, 4, 2]),
        ("registered_to=2019-12-31", [5]),
    ],
)
def test_entry_filters(api, ledger, query, sequences):
    response = api.get(f"{API}entries/?{query}")
    assert response.status_code == 200
    assert [entry["sequence"] for entry in response.json()["results"]] == sequences


def test_entries_of_one_patent_by_any_form_of_its_number(api, ledger):
    response = api.get(f"{API}entries/", {"patent": "zl 2007 1030 8494 x"})
    assert [entry["sequence"] for entry in response.json()["results"]] == [5]


@pytest.mark.parametrize(
    ("query", "field", "hint"),
    [
        ("registered_from=2022-13-01", "registered_from", "YYYY-MM-DD"),
        ("registered_to=yesterday", "registered_to", "YYYY-MM-DD"),
        ("kind=sale", "kind", "sale"),
        ("from_region=110000", "from_region", "110000"),
        ("cross_province=perhaps", "cross_province", ""),
    ],
)
def test_bad_entry_filter_is_a_400_with_a_message(api, ledger, query, field, hint):
    response = api.get(f"{API}entries/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    [message] = response.json()[field]
    assert message
    assert hint in message


def test_entry_filters_refuse_a_reversed_date_range_and_a_malformed_number(api, ledger):
    response = api.get(f"{API}entries/?registered_from=2023-01-01&registered_to=2022-01-01")
    assert response.status_code == 400
    assert response.json() == {"registered_to": [site_language("The end date cannot be before the start date.")]}
    response = api.get(f"{API}entries/?patent=202311432805.8")
    assert response.status_code == 400
    assert response.json() == {"patent": [number_error("202311432805.8")]}


def test_entry_by_sequence(api, ledger):
    response = api.get(f"{API}entries/6/")
    assert response.status_code == 200
    assert response.json()["kind"] == "assignment"
    assert response.json()["patent"] == ledger["battery"].application_number
    assert api.get(f"{API}entries/99/").status_code == 404
    assert api.get(f"{API}entries/six/").status_code == 404


def test_entry_pages(api, ledger, orgs):
    for _ in range(10):
        make_patent(organisation_in(ZJ))
    first = api.get(f"{API}entries/").json()
    assert first["count"] == 27
    assert len(first["results"]) == 20
    assert first["previous"] is None
    second = api.get(first["next"]).json()
    assert [entry["sequence"] for entry in second["results"]] == [7, 6, 5, 4, 3, 2, 1]
    assert second["next"] is None


def test_entry_list_queries_do_not_grow_with_its_length(api, orgs, django_assert_max_num_queries):
    make_patent(orgs[SH])
    with django_assert_max_num_queries(2):
        assert api.get(f"{API}entries/").json()["count"] == 2
    for _ in range(10):
        services.patent_assign(
            actor=None,
            patent=make_patent(orgs[SH]),
            assignees=[services.Holding(orgs[AH]), services.Holding(orgs[JS])],
            registration_date=D(2024, 1, 1),
        )
    with django_assert_max_num_queries(2):
        assert api.get(f"{API}entries/").json()["count"] == 32


# Flows ---------------------------------------------------------------------------------------------------------


def cell(body, source, target):
    return next(c for c in body["cells"] if (c["from_region"], c["to_region"]) == (source, target))


def region(body, code):
    return next(r for r in body["regions"] if r["region"] == code)


def test_flows_count_the_transfers_between_regions(api, ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api.get(f"{API}flows/")
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["cross_province"]) == (2, 2)
    assert len(body["cells"]) == 25
    assert cell(body, SH, JS) == {"from_region": SH, "to_region": JS, "count": 1, "cross_province": 1}
    assert cell(body, AH, SH)["count"] == 1
    assert cell(body, JS, SH)["count"] == 0
    assert region(body, SH) == {"region": SH, "name": "上海市", "outflow": 1, "inflow": 1, "within": 0}
    assert (region(body, AH)["outflow"], region(body, JS)["inflow"]) == (1, 1)
    assert [r["region"] for r in body["regions"]] == [SH, JS, ZJ, AH, "other"]
    assert body["trend"] == [
        {"year": 2022, "transfers": 1, "cross_province": 1},
        {"year": 2023, "transfers": 1, "cross_province": 1},
    ]


def test_flows_filtered_by_years_kind_and_ipc_section(api, ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = api.get(f"{API}flows/?year_from=2021&year_to=2022").json()
    assert body["total"] == 1
    assert [year["year"] for year in body["trend"]] == [2021, 2022]
    assert cell(body, SH, JS)["count"] == 1
    assert api.get(f"{API}flows/?kind=licence").json()["total"] == 1
    assert cell(api.get(f"{API}flows/?kind=licence").json(), AH, SH)["count"] == 1
    assert api.get(f"{API}flows/?kind=assignment&ipc_section=G").json()["total"] == 0
    assert api.get(f"{API}flows/?ipc_section=G").json()["total"] == 1
    assert api.get(f"{API}flows/?year_from=2023").json()["trend"] == [
        {"year": 2023, "transfers": 1, "cross_province": 1}
    ]


@pytest.mark.parametrize(
    ("query", "field", "hint"),
    [
        ("year_from=last", "year_from", ""),
        ("year_from=1900", "year_from", "1985"),
        ("year_to=3000", "year_to", str(datetime.date.today().year + 1)),
        ("kind=pledge", "kind", "pledge"),
        ("ipc_section=h01m", "ipc_section", "h01m"),
    ],
)
def test_bad_flow_parameters_are_a_400_with_a_message(api, ledger, query, field, hint):
    response = api.get(f"{API}flows/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    [message] = response.json()[field]
    assert message
    assert hint in message


def test_flow_years_must_be_in_order(api, ledger):
    response = api.get(f"{API}flows/?year_from=2023&year_to=2021")
    assert response.status_code == 400
    assert response.json() == {"year_to": [site_language("The last year cannot be before the first year.")]}


# Targets -------------------------------------------------------------------------------------------------------


def test_targets_with_their_progress(api, ledger, django_assert_max_num_queries):
    """The plan's seeded targets (2025, 2021-2025) and two more; the ledger's transfers are both cross-province."""
    Target.objects.create(
        metric=TargetMetric.CROSS_PROVINCE_TRANSFERS,
        region="yrd",
        period_start=D(2022, 1, 1),
        period_end=D(2023, 12, 31),
        value=2,
        kinds=["assignment", "licence"],
    )
    anhui = Target.objects.create(
        metric=TargetMetric.CROSS_PROVINCE_TRANSFERS,
        region=AH,
        period_start=D(2021, 1, 1),
        period_end=D(2025, 12, 31),
        value=10,
        kinds=["assignment", "licence"],
    )
    with django_assert_max_num_queries(2 + 4):
        response = api.get(f"{API}targets/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    progress = {
        (row["metric"], row["region"], row["period_start"]): (
            row["value"],
            row["comparison"],
            row["kinds"],
            row["current"],
            row["percent"],
            row["reached"],
            row["remaining"],
        )
        for row in body["results"]
    }
    transfers, joint = "cross_province_transfers", "cross_province_joint_applications"
    assert progress == {
        # The plan's: more than 15,000 assignments (SH->JS in 2022), at least 3,500 joint applications.
        (transfers, "yrd", "2021-01-01"): (15000, "more_than", ["assignment"], 1, 0.0, False, 15000),
        (transfers, "yrd", "2025-01-01"): (15000, "more_than", ["assignment"], 0, 0.0, False, 15001),
        (joint, "yrd", "2021-01-01"): (3500, "at_least", ["application"], 0, 0.0, False, 3500),
        (joint, "yrd", "2025-01-01"): (3500, "at_least", ["application"], 0, 0.0, False, 3500),
        # Licences counted too: SH->JS and the AH->SH licence.
        (transfers, "yrd", "2022-01-01"): (2, "at_least", ["assignment", "licence"], 2, 100.0, True, 0),
        (transfers, AH, "2021-01-01"): (10, "at_least", ["assignment", "licence"], 1, 10.0, False, 9),
    }
    detail = api.get(f"{API}targets/{anhui.pk}/").json()
    assert detail["current"] == 1
    assert detail["region_name"] == "安徽省"
    assert detail["period_end"] == "2025-12-31"
    assert detail["source"] == ""
    plan = [row for row in body["results"] if row["region"] == "yrd" and row["period_end"] == "2025-12-31"]
    assert len(plan) == 4
    assert all("国科发规〔2020〕352号" in row["source"] and "超过1.5万件" in row["source"] for row in plan)
    assert api.get(f"{API}targets/999/").status_code == 404


# The API as a whole --------------------------------------------------------------------------------------------


def test_schema_documents_the_registry_endpoints(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("patents/", "patents/{number}/", "patents/{number}/history/", "entries/", "flows/", "targets/"):
        assert f"/api/v1/registry/{path}" in schema["paths"], path
    flow_parameters = {p["name"] for p in schema["paths"]["/api/v1/registry/flows/"]["get"]["parameters"]}
    assert flow_parameters == {"year_from", "year_to", "kind", "ipc_section"}


@pytest.mark.parametrize("path", ["patents/", "entries/", "flows/", "targets/"])
def test_the_registry_api_is_read_only(api, user, path):
    api.force_authenticate(user)
    response = api.post(f"{API}{path}", {"title": "x"}, format="json")
    assert response.status_code == 405


def test_a_patent_cannot_be_changed_through_the_api(api, ledger, user):
    api.force_authenticate(user)
    url = f"{API}patents/{ledger['battery'].application_number}/"
    assert api.patch(url, {"title": "changed"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    ledger["battery"].refresh_from_db()
    assert ledger["battery"].title == "锂电池正极材料"
