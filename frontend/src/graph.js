// Contacts (private messages between persons) and same-person links (between accounts) of one person,
// drawn with Cytoscape on a canvas: labels are canvas text, never markup. A click on a person opens
// their page (which asks for a justification first).
import cytoscape from "cytoscape";
import { el, dataTable } from "./dom.js";

const TIER_COLORS = { "very high": "#7a1010", high: "#a61b1b", medium: "#d9822b", low: "#6a8fc4" };

function tierColor(tier) {
  return TIER_COLORS[String(tier || "").toLowerCase()] || "#9aa1ac";
}

function trim(label, n) {
  const s = String(label ?? "");
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

// Cytoscape injects a <style> element (".__________cytoscape_container { position: relative; }") unless one
// with its id exists; the CSP (style-src 'self') would refuse it. The rule is in workbench.css instead, and
// an empty marker with that id tells Cytoscape it is there.
const CY_SHEET = "__________cytoscape_stylesheet";

function markStylesheet() {
  if (document.getElementById(CY_SHEET)) return;
  const marker = document.createElement("meta");
  marker.id = CY_SHEET;
  marker.setAttribute("name", "cytoscape-stylesheet");
  document.head.appendChild(marker);
}

export function graph(node, data) {
  markStylesheet();
  const nodes = (data && data.nodes) || [];
  const edges = (data && data.edges) || [];
  const box = el("div", null, "graph-box");
  node.appendChild(box);
  const elements = [];
  for (const n of nodes) {
    elements.push({ group: "nodes", data: {
      id: String(n.id), kind: n.kind, label: trim(n.label, 24), color: tierColor(n.tier),
      focus: n.focus ? "yes" : "no", person: n.kind === "person" ? String(n.id) : String(n.person ?? ""),
    } });
  }
  edges.forEach((e, i) => {
    elements.push({ group: "edges", data: {
      id: "e" + i, source: String(e.source), target: String(e.target), kind: e.kind,
      width: e.kind === "message" ? Math.min(8, 1 + Math.log2(1 + (Number(e.weight) || 1))) : 2,
      // line labels only where they stay legible; the table under the graph has every figure
      label: edges.length > 12 ? "" : e.kind === "message" ? `${e.sent} sent · ${e.received} received`
        : String(e.status ?? ""),
    } });
  });
  const cy = cytoscape({
    container: box,
    elements,
    style: [
      { selector: "node", style: {
        label: "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3,
        "background-color": "data(color)", width: 18, height: 18, color: "#1d2430" } },
      { selector: "node[kind = 'account']", style: { shape: "round-rectangle", width: 12, height: 12,
        "background-color": "#5b6575" } },
      { selector: "node[focus = 'yes']", style: { "border-width": 3, "border-color": "#17212f" } },
      { selector: "edge", style: { width: "data(width)", "curve-style": "bezier", "line-color": "#9aa1ac",
        label: "data(label)", "font-size": 8, color: "#5b6575", "text-rotation": "autorotate" } },
      { selector: "edge[kind = 'same-person']", style: { "line-style": "dashed", "line-color": "#1f5fa8" } },
    ],
    // a person's contacts form a star: rings around them; a crowd (> 60) is left to the force layout
    layout: nodes.length > 60
      ? { name: "cose", animate: false, randomize: false, padding: 20, idealEdgeLength: 90, nodeRepulsion: 9000 }
      : { name: "concentric", animate: false, padding: 30, minNodeSpacing: nodes.length > 12 ? 36 : 70,
          concentric: (n) => (n.data("focus") === "yes" ? (n.data("kind") === "person" ? 3 : 2) : 1),
          levelWidth: () => 1 },
    wheelSensitivity: 0.2,
    minZoom: 0.2,
    maxZoom: 3,
  });
  // a few nodes would be blown up to the maximum zoom by the layout's fit: keep labels at a readable size
  if (cy.zoom() > 1.4) {
    cy.zoom(1.4);
    cy.center();
  }
  cy.on("tap", "node[kind = 'person']", (evt) => {
    const pid = evt.target.data("person");
    if (pid && evt.target.data("focus") !== "yes") window.location.assign("/suspects/" + encodeURIComponent(pid));
  });
  const legend = el("p", null, "advice graph-legend");
  legend.textContent = "Solid lines: private messages (sent and received by this person). Dashed: same-person links between " +
    "accounts (status on the line). Click a person to open their file.";
  node.appendChild(legend);
  if (data && data.hidden_contacts) {
    node.appendChild(el("p", data.hidden_contacts + " contact(s) outside your scope are not shown.", "advice"));
  }
  const label = new Map(nodes.map((n) => [String(n.id), String(n.label ?? n.id)]));
  node.appendChild(dataTable("Links", ["link", "from", "to", "detail"], edges.map((e) => [
    e.kind, label.get(String(e.source)) ?? e.source, label.get(String(e.target)) ?? e.target,
    e.kind === "message" ? `${e.sent} sent, ${e.received} received` : `${e.evidence ?? ""} · ${e.status ?? ""}`,
  ])));
  node.dataset.graph = "drawn";
  node.dataset.nodes = String(nodes.length);
  node.dataset.edges = String(edges.length);
  window.RescueGraph = cy; // for the browser tests and the console
}
