// Draws the reform page's two charts from the JSON that the page embeds in #reform-data.
// No inline script: the page works under a strict Content-Security-Policy.
(function () {
  "use strict";
  const source = document.getElementById("reform-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const font = getComputedStyle(document.documentElement).fontFamily;
  const textStyle = { fontFamily: font, color: "#1f2328" };
  const charts = [];

  const transferElement = document.getElementById("transfer-chart");
  if (transferElement) {
    const t = data.transfer;
    // One bar per department, drawn horizontally so that long (Chinese) names stay readable.
    transferElement.style.height = Math.max(260, 70 + 30 * t.departments.length) + "px";
    const chart = echarts.init(transferElement, null, { renderer: "canvas" });
    chart.setOption({
      textStyle,
      color: ["#0b4ea2", "#c0392b"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, textStyle },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", inverse: true, data: t.departments,
        axisLabel: { width: 160, overflow: "truncate", color: "#1f2328" },
      },
      series: [
        { name: t.labels.transferred, type: "bar", stack: "total", data: t.transferred, barMaxWidth: 22,
          label: { show: true, color: "#fff", formatter: (p) => (p.value ? p.value : "") } },
        { name: t.labels.pending, type: "bar", stack: "total", data: t.pending, barMaxWidth: 22,
          label: { show: true, color: "#fff", formatter: (p) => (p.value ? p.value : "") } },
      ],
      animation: false,
    });
    charts.push(chart);
  }

  const shareElement = document.getElementById("one-visit-chart");
  if (shareElement) {
    const s = data.one_visit;
    const total = s.one_visit + s.other;
    const percent = total ? Math.round((1000 * s.one_visit) / total) / 10 : 0;
    const chart = echarts.init(shareElement, null, { renderer: "canvas" });
    chart.setOption({
      textStyle,
      color: ["#1b6e37", "#c9d1db"],
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, textStyle },
      title: { text: percent + "%", left: "center", top: "38%", textStyle: { fontSize: 26, color: "#1b6e37", fontFamily: font } },
      series: [{
        type: "pie", radius: ["48%", "72%"], center: ["50%", "45%"], avoidLabelOverlap: true,
        label: { show: false },
        data: [
          { name: s.labels.one_visit, value: s.one_visit },
          { name: s.labels.other, value: s.other },
        ],
      }],
      animation: false,
    });
    charts.push(chart);
  }

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
