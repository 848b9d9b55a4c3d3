// Minsheng hot-spot board: a small ECharts line of each spot's requests per
// day. The counts are also written beside each line, so the board works
// without this file; once the line is drawn they are kept for screen
// readers only.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("hot-data");
    if (!el || !window.echarts) return;
    var d;
    try { d = JSON.parse(el.textContent); } catch (e) { return; }
    (d.trends || []).forEach(function (trend, i) {
      var box = document.getElementById("spark-" + i);
      if (!box) return;
      var c = echarts.init(box, null, { renderer: "canvas" });
      c.setOption({
        animation: false,
        grid: { left: 2, right: 2, top: 4, bottom: 4 },
        tooltip: { trigger: "axis", formatter: function (p) { return p[0].axisValue + "<br>" + d.label + " " + p[0].value; } },
        xAxis: { type: "category", data: d.dates, show: false, boundaryGap: false },
        yAxis: { type: "value", show: false, min: 0, max: Math.max(d.max, 1) },
        series: [{ type: "line", data: trend, symbol: "none", smooth: false, lineStyle: { width: 2, color: "#b3261e" },
          areaStyle: { color: "rgba(179,38,30,0.12)" } }]
      });
      var counts = box.parentNode.querySelector(".hot-trend");
      if (counts) counts.classList.add("sr-only");
      window.addEventListener("resize", function () { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
