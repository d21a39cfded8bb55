/* The device page (monitoring/device_detail.html) keeps itself current: every ECER_DEVICE_REFRESH_SECONDS
   it fetches /api/monitoring/devices/<MN>/live and redraws the status, the latest values, the
   exceedances and the recent packets in place (no reload, the scroll position stays). The markup is
   cloned from the page's <template> skeletons, so its words stay in the Django template; without
   JavaScript the page's <noscript> meta refresh reloads it instead. */
(function () {
  "use strict";
  var config, busy = false;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function clone(id) {
    return document.getElementById(id).content.cloneNode(true);
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
  }

  function pill(cls, text) { return el("span", "pill " + cls, text); }

  // Puts the section's skeleton (empty state or table) into its body; returns the new tbody or node.
  function section(name, rows) {
    var body = document.getElementById(name + "-body");
    var frag = clone(rows ? "tpl-" + name : "tpl-" + name + "-empty");
    var tbody = frag.querySelector("tbody");
    return { body: body, frag: frag, tbody: tbody };
  }

  function status(st) {
    var s = section("status", st !== null);
    if (st) {
      var L = config.labels;
      var cell = function (name) { return s.frag.querySelector("[data-cell='" + name + "']"); };
      var c = cell("status");
      c.append(st.connected ? pill("mon-online", L.online) : pill("mon-offline", L.offline));
      if (st.since_text) { c.append(" " + L.since + " " + st.since_text); }
      var p = cell("packet");
      p.append(st.last_packet_text ? st.last_packet_text + " (" + st.last_packet_ago + ")" : "—");
      if (st.last_peer) { p.append(" ", el("span", "unit", L.from + " " + st.last_peer)); }
      cell("counts").textContent = st.packets_accepted + " / " + st.packets_rejected;
      cell("rejection").textContent = (st.last_rejection_reason || "—") + " " + st.last_rejection_at_text;
    }
    s.body.replaceChildren(s.frag);
  }

  function reading(r, unit) {
    var td = el("td");
    if (!r) { td.textContent = "—"; return td; }
    var L = config.labels;
    var cls = "nowrap" + (r.judgement === "exceedance" ? " over" : r.judgement === "realtime_over" ? " rt-over" : "");
    var value = el("span", cls, r.value_text + " ");
    value.append(el("span", "unit", unit));
    if (r.judgement === "exceedance") { value.append(" ⚠ " + L.exceedance); }
    if (r.judgement === "realtime_over") { value.append(" △ " + L.realtime_over); }
    td.append(value);
    if (r.flag && r.flag !== "N") {
      var flag = el("span", "pill", r.flag);
      flag.title = L.flag;
      td.append(" ", flag);
    }
    td.append(el("span", "when", r.time_text));
    return td;
  }

  function latest(rows) {
    var s = section("latest", rows.length > 0);
    rows.forEach(function (row) {
      var tr = el("tr", row.exceeds ? "exceeds" : "");
      var name = el("td", null, row.factor_name + " ");
      name.append(el("code", null, row.factor));
      tr.append(name);
      row.readings.forEach(function (r) { tr.append(reading(r, row.unit_symbol)); });
      var limit = el("td");
      if (row.limit_text) {
        var span = el("span", null, row.limit_text);
        span.title = row.limit_source;
        limit.append(span);
      } else { limit.textContent = "—"; }
      tr.append(limit);
      tr.dataset.factor = row.factor;
      s.tbody.append(tr);
    });
    s.body.replaceChildren(s.frag);
  }

  function exceedances(rows) {
    var s = section("exceedances", rows.length > 0);
    rows.forEach(function (e) {
      var tr = el("tr");
      tr.append(el("td", "nowrap", e.time_text));
      var f = el("td", null, e.factor_name + " ");
      f.append(el("code", null, e.factor));
      tr.append(f, el("td", null, e.cn_name));
      var v = el("td", "over", e.value + " ");
      v.append(el("span", "unit", e.unit_symbol));
      tr.append(v, el("td", null, e.range_text + " " + e.unit_symbol));
      s.tbody.append(tr);
    });
    s.body.replaceChildren(s.frag);
  }

  function events(rows) {
    var s = section("recent", rows.length > 0);
    var L = config.labels;
    rows.forEach(function (e) {
      var tr = el("tr");
      tr.append(el("td", "nowrap", e.at_text), el("td", null, e.cn_name));
      var verdict = el("td");
      if (e.verdict === "rejected") { verdict.append(el("span", "over", L.rejected)); }
      else { verdict.textContent = L[e.verdict] || e.verdict; }
      tr.append(verdict, el("td", null, e.reason));
      s.tbody.append(tr);
    });
    s.body.replaceChildren(s.frag);
  }

  // The browser's clock for a failure (no server time then); the server's (Beijing time) otherwise.
  function now() {
    var d = new Date();
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }

  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    var state = document.getElementById("live-state");
    fetch(config.url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (d) {
      status(d.status);
      latest(d.latest);
      document.getElementById("latest-as-of").textContent = d.latest_as_of_text;
      exceedances(d.exceedances);
      events(d.events);
      state.textContent = fill(config.labels.updated, { time: d.generated_text });
      state.className = "";
      document.body.dataset.liveUpdates = String(Number(document.body.dataset.liveUpdates || 0) + 1);
    }).catch(function () {
      // Keep the values shown; say they are stale and try again at the next tick.
      state.textContent = fill(config.labels.failed, { time: now() });
      state.className = "over";
    }).then(function () { busy = false; });
  }

  function start() {
    var node = document.getElementById("device-live");
    if (!node) { return; }
    config = JSON.parse(node.textContent);
    window.setInterval(refresh, config.seconds * 1000);
    // A hidden tab does not ask; coming back asks at once (the values may be minutes old).
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
  }

  document.addEventListener("DOMContentLoaded", start);
}());
