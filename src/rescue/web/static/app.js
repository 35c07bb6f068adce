// Rescue workbench: small progressive enhancements. No inline script (CSP), no innerHTML with data:
// every value reaches the page through textContent. Rich views (charts, map, graph) come from the
// npm-built bundle /static/vendor/workbench.js when present, which registers window.RescueViews =
// {chart(el, data), map(el, data), graph(el, data), timeline(el, data)}; without it, plain tables.
"use strict";

(function () {
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function table(headers, rows) {
    const t = el("table", null, "data");
    const head = t.createTHead().insertRow();
    headers.forEach(function (h) { head.appendChild(el("th", h)); });
    const body = t.createTBody();
    rows.forEach(function (r) {
      const tr = body.insertRow();
      r.forEach(function (v) { tr.appendChild(el("td", v)); });
    });
    return t;
  }

  async function getJSON(url) {
    const res = await fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } });
    if (!res.ok) throw new Error(url + ": " + res.status);
    return res.json();
  }

  const views = function () { return window.RescueViews || {}; };

  const fallback = {
    chart: function (node, data) {
      const key = node.dataset.series || "outcomes";
      const rows = data[key] || [];
      if (!rows.length) { node.appendChild(el("p", "No data yet.")); return; }
      const headers = Object.keys(rows[0]);
      node.appendChild(table(headers, rows.map(function (r) { return headers.map(function (h) { return r[h]; }); })));
    },
    map: function (node, data) {
      node.appendChild(el("p", data.length + " countries (install the front-end bundle for the map)."));
    },
    timeline: function (node, data) {
      const rows = data.months || [];
      node.appendChild(table(["month", "posts", "messages"], rows.map(function (r) { return [r.month, r.post, r.message]; })));
    },
    graph: function (node, data) {
      const rows = data.edges.map(function (e) {
        return [e.kind, e.source, e.target, e.kind === "message" ? (e.sent + " sent, " + e.received + " received") : (e.evidence + " · " + e.status)];
      });
      node.appendChild(table(["link", "from", "to", "detail"], rows));
      if (data.hidden_contacts) node.appendChild(el("p", data.hidden_contacts + " contact(s) outside your scope are not shown."));
    },
  };

  function render(kind, node) {
    getJSON(node.dataset.src).then(function (data) {
      const fn = views()[kind] || fallback[kind];
      node.dataset.loaded = "true";
      fn(node, data);
    }).catch(function (err) { node.appendChild(el("p", String(err), "error")); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart[data-src]").forEach(function (n) { render(n.id === "timeline" ? "timeline" : "chart", n); });
    const map = document.getElementById("map");
    if (map && map.dataset.src) render("map", map);
    const graph = document.getElementById("graph");
    if (graph && graph.dataset.src) render("graph", graph);
    const chain = document.getElementById("chain-status");
    if (chain && chain.dataset.src) {
      getJSON(chain.dataset.src).then(function (v) {
        chain.textContent = v.ok ? ("chain intact: " + v.entries + " entries") : ("CHAIN BROKEN: " + v.problems.join("; "));
        chain.className = v.ok ? "ok" : "error";
      });
    }
  });
})();
