"""The public registry pages (dashboard, search by number, patent page) and the staff's target pages."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from ip_registry import services
from ip_registry.choices import LegalStatus, LicenceType, TargetMetric
from ip_registry.models import RegistryEntry, Target
from techmarket.audit.models import AuditEvent
from tests.factories import UserFactory, make_patent, platform_staff_user

pytestmark = pytest.mark.django_db
D = datetime.date
SH, JS, ZJ, AH, BJ = "310000", "320000", "330000", "340000", "110000"
NUMBER = "202311432805.9"


def en(name, *args):
    """The URL of the English page (English lives under /en/)."""
    with translation.override("en"):
        return reverse(f"ip_registry:{name}", args=args)


def zh(name, *args):
    with translation.override("zh-hans"):
        return reverse(f"ip_registry:{name}", args=args)


def assign(patent, to, on, **fields):
    return services.patent_assign(
        actor=None, patent=patent, assignees=[services.Holding(to)], registration_date=on, **fields
    )


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# Dashboard ------------------------------------------------------------------------------------------------------


def test_dashboard_on_an_empty_registry_shows_the_empty_state(client):
    response = client.get(en("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-test="no-transfers"' in html
    assert "No transfers have been recorded in the registry yet." in html
    assert 'id="registry-data"' not in html  # no chart without data
    assert "echarts.min.js" not in html
    # The plan's targets are still there, at zero: for the year 2025 and for 2021-2025.
    assert [p.achieved for p in response.context["progress"]] == [0, 0, 0, 0]
    assert html.count("<progress ") == 4


def test_dashboard_shows_flows_outflow_inflow_trend_and_targets(client, history):
    response = client.get(zh("dashboard"))
    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert (matrix.total, matrix.cross_province) == (5, 4)
    assert [(y.year, y.transfers, y.cross_province) for y in response.context["trend"]] == [
        (2021, 1, 1),
        (2022, 2, 1),
        (2023, 2, 2),
    ]
    html = response.content.decode()
    for table in ("flows", "regions", "trend", "targets"):
        assert f'id="table-{table}"' in html
    assert '<th scope="row">上海市</th><td>1</td><td>1</td><td>0</td><td>0</td><td>1</td><td>3</td>' in html
    # Outflow, inflow and within for Shanghai: SH->JS and SH->Beijing out, AH->SH in, SH->SH within.
    assert '<th scope="row">上海市</th><td>2</td><td>1</td><td>1</td>' in html
    assert 'id="registry-data"' in html and "dashboard.js" in html
    # The plan's target counts assignments: SH->JS, JS->ZJ within the Delta since 2021 (AH->SH is a licence).
    assert '<progress max="15000" value="2"' in html


def progress_figures(html: str, target: Target) -> str:
    start = html.index(f'id="target-{target.pk}-figures"')
    return html[start : html.index("</p>", start)]


def test_the_dashboard_says_reached_only_when_the_rule_says_so(client, history):
    """Two cross-province assignments within the Delta since 2021 (SH->JS, JS->ZJ)."""
    more_than_two = Target.objects.create(
        metric=TargetMetric.CROSS_PROVINCE_TRANSFERS,
        region="yrd",
        period_start=D(2021, 1, 1),
        period_end=D(2023, 12, 31),
        value=2,
        comparison="more_than",
    )
    at_least_two = Target.objects.create(
        metric=TargetMetric.CROSS_PROVINCE_TRANSFERS,
        region="yrd",
        period_start=D(2021, 1, 1),
        period_end=D(2024, 12, 31),
        value=2,
        comparison="at_least",
    )
    html = client.get(en("dashboard")).content.decode()
    assert "2 against a target of more than 2 (100.0%) <span" in progress_figures(html, more_than_two)
    assert "reached" not in progress_figures(html, more_than_two)
    assert "1 to go" in progress_figures(html, more_than_two)
    assert "2 against a target of at least 2 (100.0%)" in progress_figures(html, at_least_two)
    assert ">reached</span>" in progress_figures(html, at_least_two)
    # The plan's targets, both ways, with what they count and the plan's sentence.
    assert "Counts: assignment · Source: 《长三角科技创新共同体建设发展规划》（国科发规〔2020〕352号）" in html
    for period in ("· 2021–2025</p>", "· 2025</p>", "· 2021–2023</p>"):
        assert period in html
    targets = read_csv(client.get(en("dashboard"), {"format": "csv", "table": "targets"}))
    assert targets[0][6:] == ["Reached when the figure is", "Counts", "Reached"]
    reached = {(row[2], row[3], row[4]): row[6:] for row in targets[1:] if row[1] == "Yangtze River Delta"}
    assert reached[("2021-01-01 – 2023-12-31", "2", "2")] == ["more than", "assignment", "not reached yet"]
    assert reached[("2021-01-01 – 2024-12-31", "2", "2")] == ["at least", "assignment", "reached"]


def test_chart_data_has_separate_from_and_to_nodes_so_the_sankey_has_no_cycle(client, history):
    with translation.override("en"):
        data = client.get(en("dashboard")).context["chart_data"]
    nodes = {node["id"]: node["name"] for node in data["flows"]["nodes"]}
    links = data["flows"]["links"]
    assert {"source": "from:310000", "target": "to:320000", "value": 1} in links
    assert {"source": "from:310000", "target": "to:310000", "value": 1} in links
    assert all(link["source"].startswith("from:") and link["target"].startswith("to:") for link in links)
    assert {link["source"] for link in links} | {link["target"] for link in links} == set(nodes)
    assert nodes["from:310000"] == "From Shanghai"
    assert data["trend"]["years"] == ["2021", "2022", "2023"]
    assert data["trend"]["series"][1]["values"] == [1, 1, 2]


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ({"year_from": "2022", "year_to": "2022"}, 2),
        ({"year_from": "2023"}, 2),
        ({"year_to": "2021"}, 1),
        ({"kind": "licence"}, 1),
        ({"kind": "assignment"}, 4),
        ({"ipc_section": "G"}, 1),
        ({"year_from": "", "year_to": "", "kind": "", "ipc_section": ""}, 5),
    ],
)
def test_filters_narrow_the_statistics(client, history, query, total):
    response = client.get(en("dashboard"), query)
    assert response.status_code == 200
    assert response.context["matrix"].total == total


def test_a_filter_with_nothing_in_it_says_so(client, history):
    response = client.get(en("dashboard"), {"ipc_section": "A"})
    assert response.status_code == 200
    assert "No transfers match these filters." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"year_from": "abc"}, "year_from", "Enter a whole number."),
        ({"year_from": "1900"}, "year_from", "Enter a year from 1985 to"),
        ({"year_to": "99999"}, "year_to", "Enter a year from 1985 to"),
        ({"year_from": "2023", "year_to": "2021"}, "year_to", "The last year (2021) comes before the first (2023)."),
        ({"kind": "pledge"}, "kind", "Select a valid choice."),
        ({"ipc_section": "Z"}, "ipc_section", "Select a valid choice."),
    ],
)
def test_bad_filters_give_400_with_the_message(client, history, query, field, message):
    response = client.get(en("dashboard"), query)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    html = response.content.decode()
    assert 'id="filter-errors"' in html and message in html
    assert f'aria-describedby="id_{field}_error"' in html and f'id="id_{field}_error"' in html
    assert 'id="table-flows"' not in html


def test_bad_filters_on_a_csv_link_also_give_400(client, history):
    response = client.get(en("dashboard"), {"format": "csv", "table": "flows", "year_from": "x"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_csv_of_the_flow_matrix_has_a_bom_a_filename_and_the_table(client, history):
    response = client.get(zh("dashboard"), {"format": "csv", "table": "flows"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="registry-flows.csv"'
    rows = read_csv(response)
    assert rows[0][1:6] == ["上海市", "江苏省", "浙江省", "安徽省", "其他省份"]
    assert rows[1] == ["上海市", "1", "1", "0", "0", "1", "3"]
    assert rows[-1][1:] == ["2", "1", "1", "0", "1", "5"]  # column totals, grand total


def test_csv_of_each_table_follows_the_filters(client, history):
    query = {"year_from": "2022", "year_to": "2023", "kind": "assignment"}
    regions = client.get(en("dashboard"), {**query, "format": "csv", "table": "regions"})
    assert regions["Content-Disposition"] == 'attachment; filename="registry-regions-2022-2023-assignment.csv"'
    rows = read_csv(regions)
    assert rows[1][1:] == ["1", "0", "1"]  # Shanghai: out to Beijing; SH->SH within
    assert rows[-1][1:3] == ["2", "2"]  # JS->ZJ and SH->Beijing
    trend = read_csv(client.get(en("dashboard"), {**query, "format": "csv", "table": "trend"}))
    assert trend[1:] == [["2022", "2", "1"], ["2023", "1", "1"]]
    targets = read_csv(client.get(en("dashboard"), {"format": "csv", "table": "targets"}))
    # The plan's targets count assignments: SH->JS (2021), JS->ZJ (2022) within the Delta; none in 2025.
    assert sorted(row[2:5] for row in targets[1:]) == [
        ["2021-01-01 – 2025-12-31", "15000", "2"],
        ["2021-01-01 – 2025-12-31", "3500", "0"],
        ["2025-01-01 – 2025-12-31", "15000", "0"],
        ["2025-01-01 – 2025-12-31", "3500", "0"],
    ]


def test_unknown_csv_table_is_404(client, history):
    assert client.get(en("dashboard"), {"format": "csv", "table": "secrets"}).status_code == 404


def test_download_links_keep_the_filters(client, history):
    html = client.get(en("dashboard"), {"kind": "licence"}).content.decode()
    assert "?kind=licence&amp;format=csv&amp;table=flows" in html


def grow_ledger(orgs, patents: int) -> None:
    """Each patent: an assignment across provinces and a licence, in different years; plus a target per batch."""
    for i in range(patents):
        patent = make_patent(orgs[(SH, JS, ZJ, AH)[i % 4]], year=2019)
        assign(patent, orgs[(JS, ZJ, AH, BJ)[i % 4]], D(2020 + i % 5, 2, 1))
    Target.objects.create(
        metric=TargetMetric.CROSS_PROVINCE_TRANSFERS,
        region=(SH, JS, ZJ, AH)[patents % 4],
        period_start=D(2020, 1, 1),
        period_end=D(2020 + patents % 5, 12, 31),
        value=10 + patents,
    )


def test_the_dashboard_makes_a_fixed_number_of_queries_whatever_the_data_size(
    client, orgs, django_assert_max_num_queries
):
    counts = []
    for patents in (2, 25):
        grow_ledger(orgs, patents)
        with django_assert_max_num_queries(8) as captured:
            response = client.get(en("dashboard"))
        assert response.status_code == 200
        counts.append(len(captured))
    assert response.context["matrix"].total == 27
    assert len(response.context["progress"]) == 6
    assert counts[0] == counts[1]


def test_navigation_links_to_the_registry(client):
    html = client.get(en("dashboard")).content.decode()
    assert f'<a href="{en("dashboard")}" aria-current="page">IP registry</a>' in html


# Search by number -----------------------------------------------------------------------------------------------


@pytest.fixture
def patent(orgs):
    patent = services.patent_register(
        actor=None,
        application_number=NUMBER,
        title="一种锂离子电池正极材料的制备方法",
        filing_date=D(2023, 8, 1),
        grant_date=D(2024, 6, 1),
        legal_status="valid",
        ipc_codes=["H01M 10/0525"],
        holders=[services.Holding(orgs[SH])],
    )
    assign(patent, orgs[JS], D(2024, 9, 2), execution_date=D(2024, 8, 20), registration_number="2024990001234")
    return patent


@pytest.mark.parametrize(
    "typed",
    [
        NUMBER,
        "CN202311432805.9",
        "ZL202311432805.9",
        "zl 2023 1143 2805.9",
        "CN 202311432805 9",
        "2023114328059",
        "２０２３１１４３２８０５．９",
        "  202311432805.9  ",
    ],
)
def test_search_accepts_every_written_form_and_goes_to_the_patent(client, patent, typed):
    response = client.get(zh("patent_search"), {"number": typed})
    assert response.status_code == 302
    assert response["Location"] == zh("patent_detail", NUMBER)


def test_search_accepts_a_lower_case_x_check_character(client, orgs):
    services.patent_register(
        actor=None,
        application_number="200710308494.X",
        filing_date=D(2007, 12, 20),
        holders=[services.Holding(orgs[ZJ])],
    )
    response = client.get(zh("patent_search"), {"number": "cn200710308494.x"})
    assert response.status_code == 302
    assert response["Location"] == zh("patent_detail", "200710308494.X")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("202311432805.8", "The check character is wrong: expected 9, got 8."),
        ("20231143280.9", "this one has 11 digits before the check character"),
        ("202341432805.9", "Unknown patent type digit 4"),
        ("202311432805", "The check character is missing: write it after a dot, e.g. 202311432805.9."),
        ("", "This field is required."),
    ],
)
def test_a_malformed_number_gives_400_with_the_precise_error(client, patent, typed, message):
    response = client.get(en("patent_search"), {"number": typed})
    assert response.status_code == 400
    assert message in response.context["search_form"].errors["number"][0]
    assert message in response.content.decode()


def test_a_valid_number_not_in_the_registry_is_404_with_a_clear_message(client, patent):
    response = client.get(en("patent_search"), {"number": "CN 201710601862.3"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Application number 201710601862.3 is valid, but that patent is not in the registry." in html
    assert 'name="number"' in html  # the search box, to try again


def test_the_search_page_without_a_number_shows_the_form(client):
    response = client.get(en("patent_search"))
    assert response.status_code == 200
    assert 'name="number"' in response.content.decode()


# Patent page ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["CN202311432805.9", "2023114328059", "zl202311432805.9"])
def test_a_non_canonical_number_in_the_url_redirects_permanently(client, patent, written):
    response = client.get(f"{zh('patent_search')}{written}/")
    assert response.status_code == 301
    assert response["Location"] == zh("patent_detail", NUMBER)


def test_unknown_or_malformed_numbers_in_the_url_are_404(client, patent):
    assert client.get(zh("patent_detail", "201710601862.3")).status_code == 404
    assert client.get(zh("patent_detail", "202311432805.8")).status_code == 404
    assert client.get(zh("patent_detail", "hello")).status_code == 404


def test_patent_page_shows_owners_history_and_chain_status(client, patent, orgs):
    response = client.get(en("patent_detail", NUMBER))
    assert response.status_code == 200
    assert [holder.organisation for holder in response.context["holders"]] == [orgs[JS]]
    html = response.content.decode()
    assert "一种锂离子电池正极材料的制备方法" in html
    assert orgs[JS].name_zh in html and "100.00%" in html
    entries = list(patent.entries.order_by("sequence"))
    assert [entry.kind for entry in entries] == ["application", "grant", "assignment"]
    for entry in entries:
        assert f'id="entry-{entry.sequence}"' in html
        assert f"{entry.hash[:12]}…" in html
    assignment = entries[-1]
    row = html[html.index(f'id="entry-{assignment.sequence}"') :]
    row = row[: row.index("</tr>")]
    assert "assignment" in row
    assert "2024-09-02" in row and "2024-08-20" in row and "2024990001234" in row
    assert orgs[SH].name_zh in row and "Shanghai" in row and orgs[JS].name_zh in row and "Jiangsu" in row
    assert "cross-province" in row
    assert "Chain intact: 3 entries checked" in html
    assert response.context["chain"].intact


def test_a_patent_granted_on_an_unknown_date_shows_its_patent_number(client, orgs):
    patent = make_patent(orgs[SH], granted=False, legal_status=LegalStatus.VALID)

    html = client.get(en("patent_detail", patent.application_number)).content.decode()

    assert f"ZL{patent.application_number}" in html
    grant = html[html.index("Grant date") :]
    assert grant[: grant.index("</dd>")].endswith("—")


def test_patent_page_shows_licences_pledges_and_the_open_licence_in_force(client, patent, orgs):
    patent.refresh_from_db()
    services.licence_record(
        actor=None,
        patent=patent,
        licensees=[services.Holding(orgs[ZJ])],
        licence_type=LicenceType.ORDINARY,
        registration_date=D(2024, 10, 1),
        term_start=D(2024, 10, 1),
        term_end=D(2043, 7, 31),  # the last day of the patent's term
    )
    services.pledge_record(
        actor=None, patent=patent, pledgees=[services.Holding(orgs[AH])], registration_date=D(2024, 11, 1)
    )
    state = client.get(en("patent_detail", NUMBER)).content.decode()
    state = state[state.index('id="patent-state"') :]
    state = state[: state.index("</dl>")]
    assert f"ordinary: {orgs[ZJ].name_zh}" in state
    assert f"registered 2024-11-01, to {orgs[AH].name_zh}" in state
    assert "not declared" in state


def test_a_tampered_entry_shows_as_a_broken_chain(client, patent):
    entry = patent.entries.order_by("sequence").last()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {RegistryEntry._meta.db_table} SET registration_number = %s WHERE id = %s",  # noqa: S608
            ["forged", entry.pk],
        )
    response = client.get(en("patent_detail", NUMBER))
    assert response.status_code == 200
    assert not response.context["chain"].intact
    assert f"The chain is broken at entry #{entry.sequence}: its content does not match its hash." in (
        response.content.decode()
    )


def test_a_patent_without_known_holders_says_so(client):
    services.patent_register(actor=None, application_number="201710601862.3")
    response = client.get(en("patent_detail", "201710601862.3"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "right holders yet." in html
    assert "No events have been recorded for this patent yet." in html


# Targets (platform staff) ---------------------------------------------------------------------------------------


# The plan's two targets, each for the year 2025 and for 2021-2025 (seeded by the migrations).
PLAN_TARGETS = 4


def target_data(**overrides):
    return {
        "metric": TargetMetric.CROSS_PROVINCE_TRANSFERS,
        "region": SH,
        "period_start": "2021-01-01",
        "period_end": "2025-12-31",
        "comparison": "at_least",
        "kinds": ["assignment"],
        "value": "4000",
        "source": "上海市科技创新“十四五”规划",
        **overrides,
    }


@pytest.mark.parametrize("name", ["target_list", "target_create"])
def test_target_pages_send_anonymous_visitors_to_sign_in(client, name):
    response = client.get(zh(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["target_list", "target_create", "target_edit"])
def test_target_pages_refuse_other_users(client, name):
    client.force_login(UserFactory())
    args = [Target.objects.first().pk] if name == "target_edit" else []
    assert client.get(zh(name, *args)).status_code == 403
    assert client.post(zh(name, *args), target_data()).status_code == 403
    assert Target.objects.count() == PLAN_TARGETS


def test_staff_add_a_target_and_see_it_confirmed(client):
    staff = platform_staff_user()
    client.force_login(staff)
    assert client.get(en("target_list")).status_code == 200
    response = client.post(en("target_create"), target_data(), follow=True)
    assert response.redirect_chain == [(en("target_list"), 302)]
    target = Target.objects.get(region=SH)
    assert (target.value, target.period_end) == (4000, D(2025, 12, 31))
    assert "has been saved." in response.content.decode()
    event = AuditEvent.objects.get(action="target.save")
    assert (event.actor, event.target_id) == (staff, str(target.pk))


def test_staff_choose_what_a_transfer_target_counts(client):
    client.force_login(platform_staff_user())
    response = client.post(en("target_create"), target_data(kinds=["assignment", "licence"], comparison="more_than"))
    assert response.status_code == 302
    target = Target.objects.get(region=SH)
    assert (target.kinds, target.comparison) == (["assignment", "licence"], "more_than")
    assert "assignment、licence recordal" in client.get(en("target_list")).content.decode()


def test_a_transfer_target_must_count_something_and_a_joint_application_target_counts_applications(client):
    client.force_login(platform_staff_user())
    response = client.post(en("target_create"), target_data(kinds=[]))
    assert response.status_code == 200
    assert response.context["form"].errors["kinds"] == ["Choose what the target counts."]
    joint = target_data(metric=TargetMetric.CROSS_PROVINCE_JOINT_APPLICATIONS, kinds=["assignment"])
    assert client.post(en("target_create"), joint).status_code == 302
    assert Target.objects.get(region=SH).kinds == ["application"]


def test_staff_edit_a_target(client):
    client.force_login(platform_staff_user())
    target = Target.objects.get(metric=TargetMetric.CROSS_PROVINCE_TRANSFERS, region="yrd", period_start__year=2021)
    assert client.get(en("target_edit", target.pk)).status_code == 200
    response = client.post(
        en("target_edit", target.pk),
        target_data(region="yrd", value="16000", comparison="more_than", source=target.source),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 16000
    assert AuditEvent.objects.get(action="target.save").data == {"value": ["15000", "16000"]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"period_end": "2020-12-31"}, "period_end"),
        ({"region": "110000"}, "region"),
        ({"value": "-5"}, "value"),
        ({"region": "yrd"}, None),  # the plan's 2021-2025 target for the Delta exists already
    ],
)
def test_a_bad_target_is_refused_with_the_error_and_nothing_is_saved(client, overrides, field):
    client.force_login(platform_staff_user())
    response = client.post(en("target_create"), target_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field or "__all__")
    assert Target.objects.count() == PLAN_TARGETS
    assert not AuditEvent.objects.filter(action="target.save").exists()


def test_the_dashboard_links_staff_to_the_targets(client):
    assert "Edit the targets" not in client.get(en("dashboard")).content.decode()
    client.force_login(platform_staff_user())
    assert "Edit the targets" in client.get(en("dashboard")).content.decode()
