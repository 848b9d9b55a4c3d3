// The coverage of household visits on a map: each grid's area (or, for
// the whole district, each street's) from the units' boundaries, no online
// tiles, shaded by the share of its households overdue for a visit, with
// its figures on hover; a click opens a grid's households or a street's
// grids. The table beside it holds the same figures.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("hh-coverage-map");
    var data = document.getElementById("hh-coverage-data");
    if (!el || !data || !window.L) return;
    var grids = {};
    (JSON.parse(data.textContent) || []).forEach(function (g) { grids[g.id] = g; });
    var level = el.dataset.level === "street" ? "street" : "grid";
    var t = el.dataset;
    function colour(g) {
      if (!g || !g.households) return "#ffffff";
      var share = g.overdue / g.households;
      return share === 0 ? "#2e7d32" : share < 0.1 ? "#f0b429" : "#b3261e";
    }
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.5, minZoom: 10, maxZoom: 18 });
    map.setView([36.625, 101.74], 13);
    fetch("/map/areas.json?grids=1", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (fc) {
        var mine = (fc.features || []).filter(function (f) { return (f.properties.kind === level || (level === "street" && f.properties.kind === "town")) && grids[f.properties.unit_id]; });
        if (!mine.length) return;
        var layer = L.geoJSON({ type: "FeatureCollection", features: mine }, {
          style: function (f) {
            return { color: "#555", weight: 1, fillColor: colour(grids[f.properties.unit_id]), fillOpacity: 0.55 };
          },
          onEachFeature: function (f, l) {
            var g = grids[f.properties.unit_id];
            var box = document.createElement("div");
            var b = document.createElement("b");
            b.textContent = f.properties.name;
            box.appendChild(b);
            [["households", g.households], ["visited", g.visited], ["due", g.due], ["overdue", g.overdue]].forEach(function (x) {
              box.appendChild(document.createElement("br"));
              box.appendChild(document.createTextNode(t["t" + x[0].charAt(0).toUpperCase() + x[0].slice(1)] + " " + x[1]));
            });
            l.bindTooltip(box, { sticky: true });
            l.on("click", function () {
              window.location.href = level === "street" ? "/household-coverage?unit_id=" + f.properties.unit_id : "/households?grid_id=" + f.properties.unit_id;
            });
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [4, 4] });
        el.dataset.grids = String(mine.length);
      });
    setTimeout(function () { map.invalidateSize(); }, 50);
  });
})();
