// Minsheng dashboards: the leader's dashboard and the public figures drawn
// with ECharts, the map of needs with Leaflet (over the units' boundaries,
// no online tiles), and the report's print button. The data comes in the
// page (a <script type="application/json">) or from GET /api/v1/stats/map;
// every figure is also in the page's tables, which work without this file.
// Every chart that stands for tickets opens the ticket list behind it.
(function () {
  "use strict";

  var brand = "#b3261e", accent = "#1f5fbf", ok = "#1c7c3a", muted = "#5f6b7a";
  var font = '-apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

  function json(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  // escapeHTML makes text safe to put into HTML: tooltips are HTML, and
  // the names of units and categories are typed by admins.
  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function pct(r) {
    return r && r.value !== null && r.value !== undefined ? (100 * r.value).toFixed(2) + "%" : "—";
  }
  function frac(r) { return r ? r.numerator.toLocaleString() + "/" + r.denominator.toLocaleString() : ""; }

  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var c = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }

  function go(params) {
    var q = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      if (params[k] !== "" && params[k] !== null && params[k] !== undefined) q.set(k, params[k]);
    });
    window.location.href = "/tickets?" + q.toString();
  }

  // Days as YYYY-MM-DD, computed in UTC so that no time zone shifts them.
  function parseDay(s) { var p = s.split("-"); return new Date(Date.UTC(+p[0], +p[1] - 1, +p[2])); }
  function fmtDay(d) { return d.toISOString().slice(0, 10); }

  // group sums the daily series into weeks (from Monday) or months; each
  // bucket keeps its first and last day for the drill-down.
  function group(days, values, how) {
    var out = [];
    days.forEach(function (day, i) {
      var d = parseDay(day), key;
      if (how === "week") {
        var monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86400000);
        key = fmtDay(monday);
      } else if (how === "month") {
        key = day.slice(0, 7);
      } else {
        key = day;
      }
      var last = out[out.length - 1];
      if (!last || last.key !== key) {
        last = { key: key, first: day, last: day, v: values.map(function () { return 0; }) };
        out.push(last);
      }
      last.last = day;
      values.forEach(function (vs, j) { last.v[j] += vs[i]; });
    });
    return out;
  }

  function dashboard(d) {
    var T = d.text;
    var base = { unit: d.unit, created_from: d.from, created_to: d.to };
    var axis = { axisLabel: { color: muted, fontFamily: font }, axisLine: { lineStyle: { color: "#d9dee5" } } };

    // Intake over time, by day, week or month.
    var intake = chart("chart-intake");
    var how = "day";
    function drawIntake() {
      if (!intake) return;
      var g = group(d.days || [], [d.received || [], d.closed || []], how);
      intake.setOption({
        textStyle: { fontFamily: font },
        grid: { left: 48, right: 16, top: 28, bottom: 40 },
        legend: { data: [T["dash.received"], T["dash.closed"]], top: 0 },
        tooltip: { trigger: "axis", formatter: function (ps) {
          var b = g[ps[0].dataIndex];
          var head = b.first === b.last ? b.first : b.first + " — " + b.last;
          return head + "<br>" + ps.map(function (p) { return p.marker + escapeHTML(p.seriesName) + " " + p.value.toLocaleString(); }).join("<br>") + "<br><i>" + T["dash.click_list"] + "</i>";
        } },
        xAxis: Object.assign({ type: "category", data: g.map(function (b) { return how === "month" ? b.key : b.first.slice(5); }) }, axis),
        yAxis: Object.assign({ type: "value", minInterval: 1 }, axis),
        // The whole year the caption names, at every grouping (a zoom to
        // its last quarter showed three months under "a year").
        series: [
          { name: T["dash.received"], type: "bar", data: g.map(function (b) { return b.v[0]; }), itemStyle: { color: accent }, cursor: "pointer" },
          { name: T["dash.closed"], type: "line", data: g.map(function (b) { return b.v[1]; }), itemStyle: { color: ok }, symbol: "none", smooth: true }
        ]
      }, true);
      intake._buckets = g;
    }
    if (intake) {
      drawIntake();
      intake.on("click", function (p) {
        var b = intake._buckets[p.dataIndex];
        if (b) go({ unit: d.unit, created_from: b.first, created_to: b.last });
      });
    }
    document.querySelectorAll("[data-group]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        how = btn.getAttribute("data-group");
        document.querySelectorAll("[data-group]").forEach(function (b) { b.classList.toggle("on", b === btn); });
        drawIntake();
      });
    });

    // The status funnel, in the order of the stages.
    var funnel = chart("chart-funnel");
    if (funnel) {
      var top = d.funnel.length ? Math.max.apply(null, d.funnel.map(function (s) { return s.value; })) : 0;
      funnel.setOption({
        textStyle: { fontFamily: font },
        tooltip: { formatter: function (p) {
          var first = d.funnel[0].value;
          return escapeHTML(p.name) + " " + p.value.toLocaleString() + (first ? "（" + T["dash.of_received"] + " " + (100 * p.value / first).toFixed(1) + "%）" : "");
        } },
        // minSize keeps the narrowest stage wide enough for its label
        // (at 0% the last stage's label was cut off).
        series: [{ type: "funnel", sort: "none", left: "4%", width: "92%", top: 8, bottom: 8, min: 0, max: top || 1, minSize: "48%", gap: 2,
          label: { show: true, position: "inside", formatter: function (p) { return p.name + " " + p.value.toLocaleString(); }, color: "#fff" },
          itemStyle: { borderWidth: 0 },
          color: ["#1f5fbf", "#3f78c9", "#5f92d3", "#7f9ed0", "#1c7c3a"],
          data: d.funnel.map(function (s) { return { name: s.name, value: s.value }; }) }]
      });
    }

    // Rates by unit: one rate at a time, with its parts in the tooltip.
    var units = chart("chart-units");
    var pick = document.getElementById("unit-rate");
    function drawUnits() {
      if (!units) return;
      var key = pick ? pick.value : "closure";
      var rows = d.units.slice().sort(function (a, b) { return b.received - a.received; });
      units.setOption({
        textStyle: { fontFamily: font },
        grid: { left: 48, right: 48, top: 28, bottom: 70 },
        legend: { top: 0, data: [key === "composite" ? T["rate.composite"] : T["rate." + key], T["dash.received"]] },
        tooltip: { trigger: "axis", formatter: function (ps) {
          var r = rows[ps[0].dataIndex];
          var rate = key === "composite" ? (r.score === null ? "—" : r.score.toFixed(1)) : pct(r.rates[key]) + "（" + frac(r.rates[key]) + "）";
          return escapeHTML(r.name) + "<br>" + (key === "composite" ? T["rate.composite"] : T["rate." + key]) + " " + rate + "<br>" +
            T["dash.received"] + " " + r.received.toLocaleString() + "<br><i>" + T["dash.click_list"] + "</i>";
        } },
        xAxis: Object.assign({ type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { rotate: 35, color: muted, interval: 0, fontSize: 11 } }),
        yAxis: [
          Object.assign({ type: "value", min: 0, max: key === "composite" ? 100 : 100, axisLabel: { formatter: key === "composite" ? "{value}" : "{value}%", color: muted } }),
          Object.assign({ type: "value", minInterval: 1, splitLine: { show: false }, axisLabel: { color: muted } })
        ],
        series: [
          { name: key === "composite" ? T["rate.composite"] : T["rate." + key], type: "bar", cursor: "pointer", itemStyle: { color: brand }, barMaxWidth: 56,
            data: rows.map(function (r) {
              if (key === "composite") return r.score === null ? null : +r.score.toFixed(1);
              var v = r.rates[key].value; return v === null ? null : +(100 * v).toFixed(2);
            }) },
          { name: T["dash.received"], type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.received; }), itemStyle: { color: accent }, symbolSize: 6 }
        ]
      }, true);
      units._rows = rows;
    }
    if (units) {
      drawUnits();
      units.on("click", function (p) {
        var r = units._rows[p.dataIndex];
        if (r) go({ unit: r.id, created_from: d.from, created_to: d.to });
      });
      if (pick) pick.addEventListener("change", drawUnits);
    }

    // Top categories.
    var cats = chart("chart-cats");
    if (cats) {
      var cs = d.cats.slice(0, 10).reverse();
      cats.setOption({
        textStyle: { fontFamily: font },
        grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
        tooltip: { formatter: function (p) {
          var c = cs[p.dataIndex];
          return escapeHTML(c.name) + "<br>" + T["dash.received"] + " " + c.received.toLocaleString() + "<br>" + T["rate.closure"] + " " + pct(c.rates.closure) + "（" + frac(c.rates.closure) + "）<br><i>" + T["dash.click_list"] + "</i>";
        } },
        xAxis: { type: "value", minInterval: 1, axisLabel: { color: muted } },
        yAxis: { type: "category", data: cs.map(function (c) { return c.name; }), axisLabel: { color: muted } },
        series: [{ type: "bar", cursor: "pointer", barMaxWidth: 28, data: cs.map(function (c) { return c.received; }), itemStyle: { color: accent },
          label: { show: true, position: "right", color: muted } }]
      });
      cats.on("click", function (p) {
        var c = cs[p.dataIndex];
        if (c) go(Object.assign({}, base, { category: c.id }));
      });
    }

    // Weekday × hour heat map, Monday on top.
    var heat = chart("chart-heat");
    if (heat) {
      var order = [1, 2, 3, 4, 5, 6, 0], data = [], max = 0;
      order.forEach(function (wd, row) {
        for (var h = 0; h < 24; h++) {
          var v = d.heat[wd][h];
          max = Math.max(max, v);
          data.push([h, row, v]);
        }
      });
      heat.setOption({
        textStyle: { fontFamily: font },
        grid: { left: 48, right: 16, top: 8, bottom: 56 },
        tooltip: { formatter: function (p) {
          var wd = order[p.value[1]], h = p.value[0];
          return T["wd." + wd] + " " + h + ":00–" + (h + 1) + ":00<br>" + T["dash.received"] + " " + p.value[2].toLocaleString() + "<br><i>" + T["dash.click_list"] + "</i>";
        } },
        xAxis: { type: "category", data: Array.from({ length: 24 }, function (_, h) { return h + "时"; }), splitArea: { show: true }, axisLabel: { color: muted } },
        yAxis: { type: "category", data: order.map(function (wd) { return T["wd." + wd]; }), splitArea: { show: true }, inverse: true, axisLabel: { color: muted } },
        visualMap: { min: 0, max: max || 1, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 200, itemWidth: 10,
          inRange: { color: ["#f3f6fb", "#9fc0ea", "#1f5fbf", "#b3261e"] }, textStyle: { color: muted } },
        series: [{ type: "heatmap", data: data, cursor: "pointer", emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }]
      });
      heat.on("click", function (p) {
        var wd = order[p.value[1]];
        go(Object.assign({}, base, { hour: wd * 24 + p.value[0] }));
      });
    }
  }

  function publicStats(s) {
    var c = chart("chart-trend");
    if (!c) return;
    var T = s.text;
    c.setOption({
      textStyle: { fontFamily: font },
      grid: { left: 56, right: 56, top: 32, bottom: 28 },
      legend: { top: 0, data: [T["dash.received"], T["dash.closed"], T["rate.closure"]] },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: s.months || [], axisLabel: { color: muted } },
      yAxis: [{ type: "value", minInterval: 1, axisLabel: { color: muted } },
        { type: "value", min: 0, max: 100, splitLine: { show: false }, axisLabel: { formatter: "{value}%", color: muted } }],
      series: [
        { name: T["dash.received"], type: "bar", data: s.received || [], itemStyle: { color: accent } },
        { name: T["dash.closed"], type: "bar", data: s.closed || [], itemStyle: { color: ok } },
        { name: T["rate.closure"], type: "line", yAxisIndex: 1, itemStyle: { color: brand },
          data: (s.closure || []).map(function (v) { return v === null ? null : +(100 * v).toFixed(2); }) }
      ]
    });
    window.addEventListener("resize", function () { c.resize(); });
  }

  // The map of needs: areas shaded by the chosen measure, clusters of
  // tickets read for each view; a click opens the tickets behind it.
  function needsMap(el, T) {
    if (!window.L) return;
    var unit = el.dataset.unit, from = el.dataset.from, to = el.dataset.to, cat = el.dataset.category || "";
    var measure = el.dataset.measure || "volume", level = el.dataset.level || "street";
    var map = L.map(el, { attributionControl: false, zoomSnap: 1, minZoom: 10, maxZoom: 18 });
    el._map = map;
    map.setView([36.625, 101.74], 13);
    if (window.minshengBaseLayer) window.minshengBaseLayer(map);
    var stats = {}, areaLayer = null, outlineLayer = null, clusterLayer = L.layerGroup().addTo(map), seq = 0;
    el._clusters = clusterLayer;

    var rateScale = [[0.95, "#1c7c3a"], [0.90, "#7fb36a"], [0.80, "#e0b040"], [0, "#c8553d"]];
    var volScale = ["#e8f0fc", "#b9d0f0", "#7fa7e0", "#3f78c9", "#1f4f9f"];
    var volBreaks = [];
    function value(s) {
      if (!s) return null;
      if (measure === "volume") return s.counts.received;
      var r = s.rates[measure];
      return r && r.value !== null ? r.value : null;
    }
    function colour(s) {
      var v = value(s);
      if (v === null || (measure === "volume" && v === 0)) return "#eef1f5";
      if (measure !== "volume") {
        for (var i = 0; i < rateScale.length; i++) if (v >= rateScale[i][0]) return rateScale[i][1];
      }
      for (var j = volBreaks.length - 1; j >= 0; j--) if (v >= volBreaks[j]) return volScale[j];
      return volScale[0];
    }
    function isLevel(kind) { return level === "community" ? kind === "community" : (kind === "street" || kind === "town"); }
    function list(extra) {
      var q = { unit: unit, created_from: from, created_to: to, category: cat };
      Object.keys(extra).forEach(function (k) { q[k] = extra[k]; });
      go(q);
    }
    function legend() {
      var box = document.getElementById("map-legend");
      if (!box) return;
      var rows = [];
      if (measure === "volume") {
        volBreaks.forEach(function (b, i) {
          rows.push('<span><i style="background:' + volScale[i] + '"></i>≥ ' + b.toLocaleString() + "</span>");
        });
      } else {
        rows = rateScale.map(function (s) { return '<span><i style="background:' + s[1] + '"></i>≥ ' + (100 * s[0]).toFixed(0) + "%</span>"; });
      }
      rows.push('<span><i style="background:#eef1f5"></i>' + T["map.legend_none"] + "</span>");
      box.innerHTML = "<b>" + T["map.measure." + measure] + "</b>" + rows.join("");
    }
    function tip(f) {
      var s = stats[f.properties.unit_id];
      if (!s) return escapeHTML(f.properties.name);
      var lines = [escapeHTML(f.properties.name), T["map.volume"] + " " + s.counts.received.toLocaleString()];
      ["closure", "on_time", "satisfaction"].forEach(function (k) {
        lines.push(T["rate." + k] + " " + pct(s.rates[k]) + "（" + frac(s.rates[k]) + "）");
      });
      return lines.join("<br>") + "<br><i>" + T["dash.click_list"] + "</i>";
    }
    function drawAreas(fc) {
      var shaded = Object.keys(stats).map(function (k) { return stats[k]; }).filter(function (s) { return isLevel(s.kind); });
      var vols = shaded.map(function (s) { return s.counts.received; }).filter(function (v) { return v > 0; }).sort(function (a, b) { return a - b; });
      volBreaks = [];
      for (var i = 0; i < volScale.length && vols.length; i++) {
        var b = vols[Math.floor(i * vols.length / volScale.length)];
        if (!volBreaks.length || b > volBreaks[volBreaks.length - 1]) volBreaks.push(b);
      }
      if (areaLayer) map.removeLayer(areaLayer);
      if (outlineLayer) map.removeLayer(outlineLayer);
      var mine = fc.features.filter(function (f) { return stats[f.properties.unit_id] || f.properties.unit_id === +unit; });
      outlineLayer = L.geoJSON({ type: "FeatureCollection", features: mine.filter(function (f) { return !isLevel(f.properties.kind); }) }, {
        interactive: false,
        style: function (f) { return f.properties.kind === "district" ? { color: brand, weight: 2, fill: false } : { color: "#6b86b0", weight: 0.8, dashArray: "3 3", fill: false }; }
      }).addTo(map);
      areaLayer = L.geoJSON({ type: "FeatureCollection", features: mine.filter(function (f) { return isLevel(f.properties.kind); }) }, {
        style: function (f) { return { color: "#fff", weight: 1.2, fillColor: colour(stats[f.properties.unit_id]), fillOpacity: 0.72 }; },
        onEachFeature: function (f, l) {
          l.bindTooltip(tip(f), { sticky: true });
          l.on("click", function () { list({ unit: f.properties.unit_id }); });
        }
      }).addTo(map);
      areaLayer.bringToBack();
      outlineLayer.bringToFront();
      el._areas = areaLayer;
      if (!el._fitted && mine.length) {
        el._fitted = true;
        var fit = L.geoJSON({ type: "FeatureCollection", features: mine });
        map.fitBounds(fit.getBounds(), { padding: [8, 8] });
      }
      legend();
    }
    function drawClusters(data) {
      clusterLayer.clearLayers();
      data.clusters.forEach(function (c) {
        var n = c.count, size = Math.round(Math.min(56, 22 + 7 * Math.log10(n + 1) * 1.6));
        var label = n >= 10000 ? (n / 1000).toFixed(0) + "k" : n.toLocaleString();
        var m = L.marker([c.lat, c.lng], { icon: L.divIcon({ className: "mcluster" + (n >= 1000 ? " big" : n >= 100 ? " mid" : ""),
          html: "<span>" + label + "</span>", iconSize: [size, size] }), keyboard: true, title: T["map.cluster_tip"].replace("%s", n.toLocaleString()) });
        m.on("click", function () {
          if (c.places && c.places.length) list({ place: c.places.join(",") });
          else list({ box: c.box.map(function (v) { return v.toFixed(6); }).join(",") });
        });
        clusterLayer.addLayer(m);
      });
      var sum = document.getElementById("map-summary");
      if (sum) sum.innerHTML = "<b>" + data.located.toLocaleString() + "</b> " + T["map.located"] + " · " + data.clusters.length + " " + T["map.clusters"];
      el.setAttribute("data-clusters", String(data.clusters.length));
    }
    function load(first) {
      var my = ++seq;
      var q = new URLSearchParams({ unit_id: unit, from: from, to: to, zoom: String(Math.max(8, Math.min(19, map.getZoom()))) });
      if (cat) q.set("category_id", cat);
      if (!first) {
        var b = map.getBounds().pad(0.25);
        q.set("box", [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (v) { return v.toFixed(5); }).join(","));
      }
      return fetch("/api/v1/stats/map?" + q.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || my !== seq) return data;
          if (first) data.areas.forEach(function (a) { stats[a.unit_id] = a; });
          drawClusters(data);
          return data;
        });
    }
    var areasReq = fetch("/map/areas.json", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : { features: [] }; });
    Promise.all([areasReq, load(true)]).then(function (res) {
      drawAreas(res[0]);
      var t;
      map.on("moveend", function () { clearTimeout(t); t = setTimeout(function () { load(false); }, 150); });
      // The first view came before fitting: read it again for the fitted view.
      load(false).then(function () { el.setAttribute("data-ready-map", ""); });
    });
    setTimeout(function () { map.invalidateSize(); }, 50);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var d = json("dash-data");
    if (d) dashboard(d);
    var s = json("stats-data");
    if (s) publicStats(s);
    var m = document.getElementById("needs-map");
    if (m) needsMap(m, json("map-text") || {});
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
