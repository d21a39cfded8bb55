/* Charts of the dashboard pages with Apache ECharts (installed from npm into static/web/vendor).
   Data come from <script type="application/json"> blocks written by the server (json_script). */
(function () {
  "use strict";
  var charts = [];
  var mapPromise = null;

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function fmt(v) {
    if (v === null || v === undefined) { return "—"; }
    return Math.abs(v) >= 1 || v === 0 ? v.toFixed(2) : v.toPrecision(3);
  }

  // Colour is never the only signal: each level also has a pattern (decal) and its words.
  var DECALS = {
    red: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [3, 5], rotation: -0.785, color: "rgba(255,255,255,0.55)" },
    yellow: { symbol: "circle", symbolSize: 0.5, dashArrayX: [[6, 6], [0, 6, 6, 0]], dashArrayY: [6, 0], color: "rgba(0,0,0,0.22)" },
    exempt: { symbol: "rect", dashArrayX: [[8, 8], [0, 8, 8, 0]], dashArrayY: [1, 7], color: "rgba(255,255,255,0.6)" }
  };

  // A region's name as a map label: 成都市 → 成都, 阿坝藏族羌族自治州 → 阿坝, and in English
  // "Aba Tibetan and Qiang Autonomous Prefecture" → "Aba" (the full name is in the tooltip).
  function shortName(name) {
    return name.replace(/(市|州|藏族羌族自治州|彝族自治州|藏族自治州)$/, "").replace(/\s.*Autonomous Prefecture$/, "")
      .replace(/ City$/, "");
  }

  function init(el) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function loadMap(url) {
    if (!mapPromise) {
      mapPromise = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("map outlines: " + r.status); }
        return r.json();
      }).then(function (geo) { echarts.registerMap("ecer-regions", geo); });
    }
    return mapPromise;
  }

  function overview() {
    var d = data("overview-data");
    var el = document.getElementById("overview-map");
    if (!d || !el) { return; }
    var byCode = {};
    d.regions.forEach(function (r) { byCode[r.adcode] = r; });
    loadMap(d.map_url).then(function () {
      var chart = init(el);
      chart.setOption({
        aria: { enabled: true },
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var r = byCode[p.name];
            if (!r) { return p.name; }
            return "<b>" + r.name + "</b> · " + r.label + "<br>" + d.labels.actual + " " + fmt(r.actual) + d.unit +
              "<br>" + d.labels.required + " " + fmt(r.required) + d.unit + "<br>" + d.labels.gap + " " + fmt(r.gap);
          }
        },
        series: [{
          type: "map", map: "ecer-regions", nameProperty: "adcode", roam: false, selectedMode: false,
          label: {
            show: true, fontSize: 10, color: "#1d2733",
            formatter: function (p) { var r = byCode[p.name]; return r ? shortName(r.name) : ""; }
          },
          emphasis: { label: { show: true, fontWeight: "bold" }, itemStyle: { borderWidth: 2, borderColor: "#1d2733" } },
          itemStyle: { borderColor: "#ffffff", borderWidth: 1 },
          data: d.regions.map(function (r) {
            var style = { areaColor: r.colour };
            if (DECALS[r.level]) { style.decal = DECALS[r.level]; }
            // Hover keeps the level's colour (the default emphasis colour would read as another level).
            return { name: r.adcode, value: r.gap, itemStyle: style, emphasis: { itemStyle: { areaColor: r.colour } } };
          })
        }]
      });
      // Navigate after ECharts has finished handling the click (leaving inside its handler let it
      // touch a half-torn-down hover state).
      chart.on("click", function (p) {
        var r = byCode[p.name];
        if (r) { window.setTimeout(function () { window.location.assign(r.href); }, 0); }
      });
      el.dataset.ready = "true";
    }).catch(function (err) { el.textContent = String(err); });
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // The monitoring points on the 市(州) outlines (monitoring/point_list.html): one marker per point,
  // coloured and shaped by its status; the tooltip links the point's loggers' pages.
  function pointMap() {
    var d = data("point-map-data");
    var el = document.getElementById("point-map");
    if (!d || !el || !d.map_url) { return; }
    var names = {};
    d.regions.forEach(function (r) { names[r.adcode] = r.name; });
    loadMap(d.map_url).then(function () {
      var chart = init(el);
      var byStatus = {};
      d.points.forEach(function (p) { (byStatus[p.status] = byStatus[p.status] || []).push(p); });
      var series = Object.keys(d.styles).map(function (code) {
        var st = d.styles[code];
        return {
          name: st.label, type: "scatter", coordinateSystem: "geo", symbol: st.symbol,
          symbolSize: code === "exceedance" ? 16 : 12, z: code === "exceedance" ? 4 : 3,
          itemStyle: { color: st.colour, borderColor: "#ffffff", borderWidth: 1.5 },
          data: (byStatus[code] || []).map(function (p) { return { name: p.enterprise, value: [p.lon, p.lat], point: p }; })
        };
      });
      chart.setOption({
        aria: { enabled: true },
        tooltip: {
          trigger: "item", enterable: true, confine: true,
          formatter: function (p) {
            var pt = p.data && p.data.point;
            if (!pt) { return esc(names[p.name] || p.name); }
            var L = d.labels;
            var html = "<b>" + esc(pt.enterprise) + "</b><br>" + esc(L.outlet) + " " + esc(pt.outlet) +
              "<br>" + esc(L.kind) + " " + esc(pt.kind) + " · " + esc(L.status) + " " + esc(d.styles[pt.status].label);
            if (pt.exceedances) { html += "<br>" + esc(L.exceedances) + " " + pt.exceedances; }
            if (pt.alarm) { html += "<br>⚠ " + esc(L.alarm); }
            pt.devices.forEach(function (dev) {
              html += "<br><a href=\"" + esc(dev.href) + "\">" + esc(L.device) + " " + esc(dev.mn) + "</a>";
            });
            return html;
          }
        },
        geo: {
          map: "ecer-regions", nameProperty: "adcode", roam: true, scaleLimit: { min: 1, max: 12 },
          itemStyle: { areaColor: "#eef2f0", borderColor: "#8a9aa6", borderWidth: 0.8 },
          emphasis: { itemStyle: { areaColor: "#dfe8e3" }, label: { show: true } },
          label: {
            show: true, fontSize: 10, color: "#5d6873",
            formatter: function (p) { return shortName(names[p.name] || ""); }
          },
          select: { disabled: true }
        },
        series: series
      });
      // A marker click opens its (first) logger's page; the tooltip lists every logger of the point.
      chart.on("click", function (p) {
        var pt = p.data && p.data.point;
        if (pt && pt.devices.length) {
          window.setTimeout(function () { window.location.assign(pt.devices[0].href); }, 0);
        }
      });
      el.dataset.ready = "true";
      el.dataset.markers = String(d.points.length);
    }).catch(function (err) { el.textContent = String(err); });
  }

  function regionPaths() {
    var list = data("region-charts");
    if (!list) { return; }
    var pending = list.slice();
    // Draw the charts as they scroll into view: a region has ~25 indicators.
    var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { observer.unobserve(e.target); draw(e.target); }
      });
    }, { rootMargin: "200px" }) : null;
    var specs = {};
    pending.forEach(function (c) {
      var el = document.getElementById(c.id);
      if (!el) { return; }
      specs[c.id] = c;
      if (observer) { observer.observe(el); } else { draw(el); }
    });

    function draw(el) {
      var c = specs[el.id];
      var years = c.years.map(String);
      var series = [
        { name: c.labels.required, type: "line", data: c.required, lineStyle: { type: "dashed", width: 2 },
          symbol: "rect", symbolSize: 6, itemStyle: { color: "#5b6775" }, connectNulls: true },
        { name: c.labels.actual, type: "line", data: c.actual, lineStyle: { width: 3 }, symbol: "circle",
          symbolSize: 7, itemStyle: { color: "#0f5c4d" } }
      ];
      var ti = c.target ? years.indexOf(String(c.target.year)) : -1;
      if (ti >= 0) {
        var t = years.map(function () { return null; });
        t[ti] = c.target.value;
        series.push({ name: c.labels.target, type: "scatter", data: t, symbol: "diamond", symbolSize: 12,
          itemStyle: { color: "#c8553d" } });
      }
      var fi = c.forecast ? years.indexOf(String(c.forecast.year)) : -1;
      if (fi >= 0) {
        var f = years.map(function () { return null; });
        f[fi] = c.forecast.likely;
        series.push({ name: c.labels.forecast, type: "scatter", data: f, symbol: "triangle", symbolSize: 11,
          itemStyle: { color: "#3a4aa8" } });
        if (c.forecast.low !== null && c.forecast.high !== null) {
          series.push({ name: c.labels.interval, type: "custom", data: [[fi, c.forecast.low, c.forecast.high]],
            renderItem: function (params, api) {
              var lo = api.coord([api.value(0), api.value(1)]);
              var hi = api.coord([api.value(0), api.value(2)]);
              return { type: "group", children: [
                { type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: { stroke: "#3a4aa8", lineWidth: 2 } },
                { type: "line", shape: { x1: lo[0] - 6, y1: lo[1], x2: lo[0] + 6, y2: lo[1] }, style: { stroke: "#3a4aa8", lineWidth: 2 } },
                { type: "line", shape: { x1: hi[0] - 6, y1: hi[1], x2: hi[0] + 6, y2: hi[1] }, style: { stroke: "#3a4aa8", lineWidth: 2 } }
              ] };
            }, itemStyle: { color: "#3a4aa8" }, encode: { x: 0, y: [1, 2] }, z: 1 });
        }
      }
      var chart = init(el);
      chart.setOption({
        aria: { enabled: true },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        legend: { top: 0, textStyle: { fontSize: 11 }, itemWidth: 14 },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return Array.isArray(v) ? v.map(fmt).join(" ～ ") : fmt(v); } },
        xAxis: { type: "category", data: years },
        yAxis: { type: "value", name: c.unit, nameTextStyle: { align: "left" }, scale: true },
        series: series
      });
      el.dataset.ready = "true";
    }
  }

  function indicatorBars() {
    var d = data("indicator-data");
    var el = document.getElementById("indicator-chart");
    if (!d || !el) { return; }
    el.style.height = Math.max(240, d.names.length * 26 + 40) + "px";
    var chart = init(el);
    var n = d.names.length;
    // Highest completion on top: ECharts draws category 0 at the bottom, so reverse.
    var idx = d.names.map(function (_, i) { return n - 1 - i; });
    chart.setOption({
      aria: { enabled: true },
      grid: { left: 110, right: 64, top: 8, bottom: 24 },
      tooltip: { trigger: "item", formatter: function (p) { var i = idx[p.dataIndex]; return d.names[i] + ": " + fmt(d.completion[i]) + "% · " + d.levels[i]; } },
      xAxis: { type: "value", name: "%" },
      yAxis: { type: "category", data: idx.map(function (i) { return d.names[i]; }), axisLabel: { fontSize: 11 } },
      series: [{
        type: "bar", name: d.label,
        data: idx.map(function (i) { return { value: d.completion[i], itemStyle: { color: d.colours[i] } }; }),
        label: { show: true, position: "right", fontSize: 10, formatter: function (p) { var i = idx[p.dataIndex]; return fmt(d.completion[i]) + " " + d.levels[i]; } }
      }]
    });
    chart.on("click", function (p) { window.location.assign(d.hrefs[idx[p.dataIndex]]); });
    el.dataset.ready = "true";
  }

  function all() {
    if (typeof echarts === "undefined") { return; }
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    overview();
    pointMap();
    regionPaths();
    indicatorBars();
  }

  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("ecer:swapped", all);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
