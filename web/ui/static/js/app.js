// Minsheng pages: small enhancements over server-rendered HTML. Every
// form works without this file; with it, maps (Leaflet over the units'
// boundaries, no online tiles), a filter for long pickers, the browser's
// location, and a few desk helpers.
(function () {
  "use strict";
  // With htmx, the plain fallbacks (a lookup button) give way to live
  // updates.
  if (window.htmx) document.documentElement.classList.add("js");

  var areasPromise = null;
  function areas(url) {
    if (!areasPromise) {
      areasPromise = fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { type: "FeatureCollection", features: [] }; })
        .catch(function () { return { type: "FeatureCollection", features: [] }; });
    }
    return areasPromise;
  }

  var styles = {
    district: { color: "#b3261e", weight: 2, fill: false },
    street: { color: "#1f5fbf", weight: 1.5, fillColor: "#dce8f8", fillOpacity: 0.35 },
    town: { color: "#1f5fbf", weight: 1.5, fillColor: "#dce8f8", fillOpacity: 0.35 },
    community: { color: "#6b86b0", weight: 0.8, dashArray: "3 3", fillOpacity: 0 },
    grid: { color: "#9aa9bf", weight: 0.5, fillOpacity: 0 }
  };

  // The district's base layer: its roads as grey lines and its places
  // (estates, buildings) as dots, their names shown from zoom 15 on.
  // Loaded once per page and shared by every map (the map of needs too,
  // through window.minshengBaseLayer).
  var basePromise = null;
  function drawBase(map) {
    if (!basePromise) {
      basePromise = fetch("/map/base.json", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .catch(function () { return { features: [] }; });
    }
    basePromise.then(function (fc) {
      if (!fc.features || !fc.features.length) return;
      L.geoJSON(fc, {
        style: function (f) {
          return f.properties.kind === "road" ? { color: "#8a8f98", weight: 4, opacity: 0.6 }
            : { color: "#8a8f98", weight: 1, fillColor: "#c8ccd2", fillOpacity: 0.35 };
        },
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, { radius: 3, color: "#6b7078", weight: 1, fillColor: "#fff", fillOpacity: 1 });
        },
        interactive: false,
        onEachFeature: function (f, l) {
          l.bindTooltip(document.createTextNode(f.properties.name), { permanent: true,
            direction: f.properties.kind === "road" ? "center" : "right", className: "base-label" });
        }
      }).addTo(map);
      var box = map.getContainer();
      function labels() { box.classList.toggle("map-labels", map.getZoom() >= 15); }
      map.on("zoomend", labels);
      labels();
    });
  }
  window.minshengBaseLayer = drawBase;

  // A typed address places the form's point by the base layer's roads and
  // places, until the user places it by hand (a click, the browser's
  // location): then the address no longer moves it.
  function initAddress(input) {
    var scope = formOf(input);
    var timer = null, asked = "";
    scope.addEventListener("click", function (e) {
      if (e.target.closest("[data-map],[data-geolocate]")) scope.dataset.pointByHand = "1";
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === asked || scope.dataset.pointByHand) return;
        asked = q;
        fetch("/map/geocode?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { found: false }; })
          .then(function (m) {
            if (!m.found || scope.dataset.pointByHand || input.value.trim() !== q) return;
            setPoint(scope, m.lat, m.lng);
            var label = scope.querySelector("[data-point-label]");
            if (label) label.textContent = m.name + " (" + m.lat.toFixed(5) + ", " + m.lng.toFixed(5) + ")";
          })
          .catch(function () {});
      }, 400);
    });
  }

  function formOf(el) { return el.closest("form") || document; }

  function setPoint(scope, lat, lng) {
    var la = scope.querySelector("[name=lat]"), ln = scope.querySelector("[name=lng]");
    if (la && ln) {
      la.value = lat.toFixed(6);
      ln.value = lng.toFixed(6);
      la.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var label = scope.querySelector("[data-point-label]");
    if (label) label.textContent = lat.toFixed(5) + ", " + lng.toFixed(5);
    var m = scope.querySelector("[data-map]");
    if (m && m._place) m._place(lat, lng, true);
  }

  function initMap(el) {
    if (!window.L) return;
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.5, minZoom: 10, maxZoom: 19 });
    var marker = null;
    el._place = function (lat, lng, pan) {
      if (marker) marker.setLatLng([lat, lng]);
      else marker = L.circleMarker([lat, lng], { radius: 8, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 }).addTo(map);
      if (pan) map.setView([lat, lng], Math.max(map.getZoom() || 15, 15));
    };
    var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
    var has = !isNaN(lat) && !isNaN(lng);
    if (has) { map.setView([lat, lng], 14); el._place(lat, lng, false); }
    else map.setView([36.625, 101.74], 13);
    areas(el.dataset.areas || "/map/areas.json").then(function (fc) {
      if (!fc.features.length) return;
      var layer = L.geoJSON(fc, {
        style: function (f) { return styles[f.properties.kind] || styles.community; },
        interactive: false,
        onEachFeature: function (f, l) {
          if (f.properties.kind === "street" || f.properties.kind === "town") {
            l.bindTooltip(document.createTextNode(f.properties.name), { permanent: true, direction: "top", className: "area-label", offset: [0, -20] });
          }
        }
      }).addTo(map);
      layer.bringToBack();
      if (!has) map.fitBounds(layer.getBounds(), { padding: [4, 4] });
    });
    drawBase(map);
    if (el.hasAttribute("data-pick")) {
      map.on("click", function (e) { setPoint(formOf(el), e.latlng.lat, e.latlng.lng); });
    }
    setTimeout(function () { map.invalidateSize(); }, 50);
  }

  // A search box above a long <select>: keeps only the matching options.
  function initFilter(input) {
    var sel = document.getElementById(input.dataset.filterFor);
    if (!sel) return;
    var all = Array.prototype.slice.call(sel.options).map(function (o) { return o.cloneNode(true); });
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var cur = sel.value;
      sel.innerHTML = "";
      all.forEach(function (o) {
        var hay = ((o.dataset.search || "") + " " + o.textContent).toLowerCase();
        if (!q || o.value === "" || hay.indexOf(q) >= 0) sel.appendChild(o.cloneNode(true));
      });
      sel.value = cur;
      if (sel.value !== cur && q) {
        var first = Array.prototype.find.call(sel.options, function (o) { return o.value && !o.disabled; });
        if (first) sel.value = first.value;
      }
    });
  }

  // On phones a list table is shown as cards, a line for each cell with
  // its column's heading before it: cells without a data-label take their
  // heading from the table's head, and cells with nothing in them are
  // marked blank (hidden there, instead of a heading with nothing after it).
  function labelCells(table) {
    var heads = table.tHead ? Array.prototype.map.call(table.tHead.querySelectorAll("th"), function (th) { return th.textContent.trim(); }) : [];
    Array.prototype.forEach.call(table.tBodies, function (tb) {
      Array.prototype.forEach.call(tb.rows, function (tr) {
        Array.prototype.forEach.call(tr.cells, function (td, i) {
          if (td.tagName !== "TD") return;
          if (!td.hasAttribute("data-label") && heads[i] && tr.cells.length > 1) td.setAttribute("data-label", heads[i]);
          if (!td.textContent.trim() && !td.querySelector("input, select, button, img, canvas, form")) td.classList.add("blank");
        });
      });
    });
  }

  // A file input's button and "no file chosen" are worded by the browser
  // in the browser's language, not the page's: each is replaced by a
  // button and a line in the page's words (from the body's data-file-*).
  function initFile(input) {
    var b = document.body, words = {
      choose: b.getAttribute("data-file-choose") || "…",
      none: b.getAttribute("data-file-none") || "",
      n: b.getAttribute("data-file-n") || "%d"
    };
    // Not a <button>: a form's first button is its submit button to
    // people and to scripts alike.
    var pick = document.createElement("span");
    pick.className = "file-pick";
    pick.setAttribute("aria-hidden", "true");
    pick.textContent = words.choose;
    var names = document.createElement("span");
    names.className = "file-names";
    names.textContent = words.none;
    input.classList.add("file-native");
    input.after(pick, names);
    // Inside a <label>, a click on the words opens the chooser already.
    if (!input.closest("label")) pick.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      var fs = Array.prototype.map.call(input.files, function (f) { return f.name; });
      names.textContent = fs.length === 0 ? words.none : fs.length === 1 ? fs[0] : words.n.replace("%d", fs.length) + "：" + fs.join("、");
    });
  }

  function init(root) {
    root.querySelectorAll("input[type=file]:not([data-ready])").forEach(function (el) {
      el.setAttribute("data-ready", "");
      initFile(el);
    });
    root.querySelectorAll("table.list:not(.compact)").forEach(labelCells);
    if (root.matches && root.matches("table.list:not(.compact)")) labelCells(root);
    root.querySelectorAll("[data-map]:not([data-ready])").forEach(function (el) {
      el.setAttribute("data-ready", "");
      initMap(el);
    });
    root.querySelectorAll("input[name=address]:not([data-ready])").forEach(function (el) {
      if (!formOf(el).querySelector("[data-map][data-pick]")) return;
      el.setAttribute("data-ready", "");
      initAddress(el);
    });
    root.querySelectorAll("input[data-filter-for]:not([data-ready])").forEach(function (el) {
      el.setAttribute("data-ready", "");
      initFilter(el);
    });
  }

  document.addEventListener("click", function (e) {
    var t = e.target.closest("[data-geolocate],[data-use-answer],[data-duplicate]");
    if (!t) return;
    if (t.hasAttribute("data-geolocate")) {
      if (!navigator.geolocation) return;
      var scope = formOf(t);
      t.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        t.disabled = false;
        setPoint(scope, pos.coords.latitude, pos.coords.longitude);
      }, function () { t.disabled = false; }, { enableHighAccuracy: true, timeout: 10000 });
    } else if (t.hasAttribute("data-use-answer")) {
      var a = document.getElementById("answer");
      if (a) {
        a.value = t.getAttribute("data-use-answer");
        var d = a.closest("details");
        if (d) d.open = true;
        var kind = document.getElementById("kind");
        if (kind) kind.value = "inquiry";
        a.focus();
      }
    } else if (t.hasAttribute("data-duplicate")) {
      var n = t.getAttribute("data-duplicate");
      var f = document.getElementById("duplicate_of"), note = document.getElementById("duplicate-note");
      if (f) f.value = n;
      if (note) {
        note.hidden = !n;
        var b = note.querySelector("[data-duplicate-number]");
        if (b) b.textContent = n;
      }
    }
  });

  document.addEventListener("click", function (e) {
    var b = e.target.closest("#nav-toggle");
    if (!b) return;
    var top = b.closest(".top"), open = !top.classList.contains("nav-open");
    top.classList.toggle("nav-open", open);
    b.setAttribute("aria-expanded", open ? "true" : "false");
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.detail.elt); });
})();
