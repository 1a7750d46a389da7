"""The dashboard's numbers as plain tables: one definition feeds the accessible HTML table, its CSV and the charts.

Each builder takes what a selector returned and lays it out in rows; nothing
here queries the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .choices import REGIONS
from .selectors import FlowMatrix, Progress, YearCounts, region_name

TABLE_NAMES = ("flows", "regions", "targets", "trend")


@dataclass
class Table:
    """A caption, the column headings, and rows whose first cell names the row (a row header)."""

    name: str
    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    footer: list | None = None

    def csv_rows(self) -> list[list]:
        return [self.columns, *self.rows, *([self.footer] if self.footer else [])]


def flows_table(matrix: FlowMatrix) -> Table:
    """From region (rows) to region (columns), with totals each way."""
    rows = [[name, *counts, total] for _code, name, counts, total in matrix.rows()]
    column_totals = [sum(matrix.count(source, target) for source in REGIONS) for target in REGIONS]
    return Table(
        name="flows",
        caption=_("Transfers from province to province"),
        columns=[_("From \\ to"), *(region_name(code) for code in REGIONS), _("Total")],
        rows=rows,
        footer=[_("Total"), *column_totals, matrix.total],
    )


def regions_table(matrix: FlowMatrix) -> Table:
    """Per region: cross-province outflow (seller side) and inflow (buyer side), and transfers within it."""
    rows = [
        [flows.name, flows.outflow, flows.inflow, flows.within]
        for flows in (matrix.by_region[code] for code in REGIONS)
    ]
    return Table(
        name="regions",
        caption=_("Cross-province outflow and inflow by province"),
        columns=[
            _("Province"),
            _("Outflow (to other provinces)"),
            _("Inflow (from other provinces)"),
            _("Within the province"),
        ],
        rows=rows,
        footer=[_("Total"), matrix.cross_province, matrix.cross_province, sum(row[3] for row in rows)],
    )


def targets_table(progress: list[Progress]) -> Table:
    rows = [
        [
            item.target.get_metric_display(),
            item.target.region_name,
            f"{item.target.period_start:%Y-%m-%d} – {item.target.period_end:%Y-%m-%d}",
            item.target.value,
            item.achieved,
            item.percent,
            item.target.get_comparison_display(),
            "、".join(item.target.kind_labels()),
            _("reached") if item.reached else _("not reached yet"),
        ]
        for item in progress
    ]
    return Table(
        name="targets",
        caption=_("Progress against the plan targets"),
        columns=[
            _("Target"),
            _("Region"),
            _("Period"),
            _("Target value"),
            _("Achieved"),
            _("Progress (%)"),
            _("Reached when the figure is"),
            _("Counts"),
            _("Reached"),
        ],
        rows=rows,
    )


def trend_table(trend: list[YearCounts]) -> Table:
    return Table(
        name="trend",
        caption=_("Transfers per year"),
        columns=[_("Year"), _("All transfers"), _("Cross-province transfers")],
        rows=[[year.year, year.transfers, year.cross_province] for year in trend],
    )


def chart_data(matrix: FlowMatrix, trend: list[YearCounts]) -> dict:
    """What dashboard.js draws: a Sankey diagram and a yearly trend, labelled in the page's language.

    The Sankey diagram has separate "from" and "to" nodes for each region, so a
    transfer within a province and transfers both ways between two provinces
    never make a cycle.
    """
    links, sources, targets = [], set(), set()
    for source in REGIONS:
        for target in REGIONS:
            count = matrix.count(source, target)
            if count:
                links.append({"source": f"from:{source}", "target": f"to:{target}", "value": count})
                sources.add(source)
                targets.add(target)
    nodes = [
        {"id": f"from:{code}", "region": code, "name": _("From %(region)s") % {"region": region_name(code)}}
        for code in REGIONS
        if code in sources
    ] + [
        {"id": f"to:{code}", "region": code, "name": _("To %(region)s") % {"region": region_name(code)}}
        for code in REGIONS
        if code in targets
    ]
    return {
        "flows": {"title": _("Transfers from province to province"), "nodes": nodes, "links": links},
        "trend": {
            "title": _("Transfers per year"),
            "years": [str(year.year) for year in trend],
            "series": [
                {"name": _("All transfers"), "values": [year.transfers for year in trend]},
                {"name": _("Cross-province transfers"), "values": [year.cross_province for year in trend]},
            ],
        },
    }
