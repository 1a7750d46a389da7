/* The registry dashboard's charts, drawn with Apache ECharts from the numbers the server put in #registry-data;
   and the editorial pages' registry chart blocks, each a figure[data-registry-chart] naming its own data.
   Without JavaScript the figures stay hidden and the tables carry the same numbers. */
(function () {
  "use strict";

  if (!window.echarts) {
    return;
  }
  var REGION_COLOURS = {
    "310000": "#0b5cad",
    "320000": "#0f9d8a",
    "330000": "#e08a00",
    "340000": "#8e44ad",
    other: "#7a8699",
  };
  var charts = [];
  // Tooltips are drawn on the canvas: ECharts' HTML tooltips carry inline style attributes, which the site's
  // Content-Security-Policy (no inline styles) would block.
  var TOOLTIP = { renderMode: "richText" };

  function show(figureId, chartId) {
    var figure = document.getElementById(figureId);
    var container = document.getElementById(chartId);
    // A page with several chart blocks loads this script once per block: each figure is drawn once.
    if (!figure || !container || figure.dataset.drawn) {
      return null;
    }
    figure.dataset.drawn = "1";
    figure.hidden = false;
    var chart = window.echarts.init(container, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function drawFlows(flows, figureId, chartId) {
    if (!flows.links.length) {
      return;
    }
    var chart = show(figureId, chartId);
    if (!chart) {
      return;
    }
    // ECharts links refer to nodes by name; the server's ids keep "from" and "to" nodes apart.
    var names = {};
    flows.nodes.forEach(function (node) {
      names[node.id] = node.name;
    });
    chart.setOption({
      aria: { enabled: true },
      tooltip: Object.assign({ trigger: "item", triggerOn: "mousemove" }, TOOLTIP),
      series: [
        {
          type: "sankey",
          left: 10,
          right: 110,
          top: 10,
          bottom: 10,
          nodeAlign: "justify",
          emphasis: { focus: "adjacency" },
          lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.45 },
          label: { fontSize: 13 },
          data: flows.nodes.map(function (node) {
            return { name: node.name, itemStyle: { color: REGION_COLOURS[node.region] || "#7a8699" } };
          }),
          links: flows.links.map(function (link) {
            return { source: names[link.source], target: names[link.target], value: link.value };
          }),
        },
      ],
    });
  }

  function drawTrend(trend, figureId, chartId) {
    if (!trend.years.length) {
      return;
    }
    var chart = show(figureId, chartId);
    if (!chart) {
      return;
    }
    chart.setOption({
      aria: { enabled: true },
      color: ["#0b5cad", "#e08a00"],
      tooltip: Object.assign({ trigger: "axis" }, TOOLTIP),
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: trend.years },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: trend.series[0].name, type: "bar", data: trend.series[0].values, barMaxWidth: 40 },
        { name: trend.series[1].name, type: "line", data: trend.series[1].values, symbolSize: 8 },
      ],
    });
  }

  var source = document.getElementById("registry-data");
  if (source) {
    var data = JSON.parse(source.textContent);
    drawFlows(data.flows, "flow-figure", "flow-chart");
    drawTrend(data.trend, "trend-figure", "trend-chart");
  }
  document.querySelectorAll("figure[data-registry-chart]").forEach(function (figure) {
    var blockSource = document.getElementById(figure.dataset.source);
    if (!blockSource) {
      return;
    }
    var blockData = JSON.parse(blockSource.textContent);
    if (figure.dataset.registryChart === "flows") {
      drawFlows(blockData.flows, figure.id, figure.dataset.canvas);
    } else {
      drawTrend(blockData.trend, figure.id, figure.dataset.canvas);
    }
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
