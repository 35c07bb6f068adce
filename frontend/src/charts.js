// Charts over time (Chart.js, canvas: no eval, no injected stylesheet).
import {
  Chart, BarController, LineController, BarElement, LineElement, PointElement,
  CategoryScale, LinearScale, Legend, Tooltip, Title,
} from "chart.js";
import { el, dataTable } from "./dom.js";

Chart.register(BarController, LineController, BarElement, LineElement, PointElement, CategoryScale, LinearScale,
  Legend, Tooltip, Title);
Chart.defaults.font.family = "system-ui, sans-serif";
Chart.defaults.animation = false;

const COLORS = {
  identified: "#1f5fa8", searched: "#6a8fc4", arrested: "#a61b1b", charged: "#d9822b", convicted: "#6b2d8c",
  safeguarded: "#1e6b35", not_pursued: "#9aa1ac", packages_released: "#17212f",
  posts: "#1f5fa8", messages: "#d9822b",
};

function canvasIn(node, label) {
  const box = el("div", null, "chart-box");
  const canvas = el("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  box.appendChild(canvas);
  node.appendChild(box);
  return canvas;
}

function empty(node) {
  node.appendChild(el("p", "No data yet.", "advice"));
}

function draw(node, canvas, config) {
  const c = new Chart(canvas, config);
  node.dataset.chart = "drawn";
  return c;
}

const OUTCOME_BARS = ["identified", "arrested", "safeguarded", "packages_released"];
const OUTCOME_TOTALS = ["identified_total", "arrested_total", "safeguarded_total", "packages_released_total"];

function outcomes(node, rows) {
  const months = rows.map((r) => r.month);
  const datasets = OUTCOME_BARS.map((k) => ({
    type: "bar", label: k.replace("_", " ") + " (month)", data: rows.map((r) => r[k] || 0),
    backgroundColor: COLORS[k], yAxisID: "y",
  })).concat(OUTCOME_TOTALS.map((k) => {
    const base = k.replace("_total", "");
    return {
      type: "line", label: base.replace("_", " ") + " (total)", data: rows.map((r) => r[k] || 0),
      borderColor: COLORS[base], backgroundColor: COLORS[base], yAxisID: "total", pointRadius: 2, tension: 0,
    };
  }));
  draw(node, canvasIn(node, "Outcomes and packages per month, with running totals"), {
    data: { labels: months, datasets },
    options: {
      responsive: true, maintainAspectRatio: false,
      plugins: { title: { display: true, text: "Outcomes reported and packages released" } },
      scales: {
        y: { beginAtZero: true, position: "left", title: { display: true, text: "per month" } },
        total: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false },
          title: { display: true, text: "running total" } },
      },
    },
  });
  const headers = ["month"].concat(OUTCOME_BARS, OUTCOME_TOTALS);
  node.appendChild(dataTable("Figures per month", headers, rows.map((r) => headers.map((h) => r[h] ?? 0))));
}

function activity(node, rows) {
  draw(node, canvasIn(node, "Forum activity per month"), {
    type: "line",
    data: {
      labels: rows.map((r) => r.month),
      datasets: ["posts", "messages"].map((k) => ({
        label: k, data: rows.map((r) => r[k] || 0), borderColor: COLORS[k], backgroundColor: COLORS[k],
        pointRadius: 0, tension: 0,
      })),
    },
    options: {
      responsive: true, maintainAspectRatio: false,
      plugins: { title: { display: true, text: "Forum activity (posts and private messages per month)" } },
      scales: { y: { beginAtZero: true } },
    },
  });
  node.appendChild(dataTable("Activity per month", ["month", "posts", "messages"],
    rows.map((r) => [r.month, r.posts || 0, r.messages || 0])));
}

export function chart(node, data) {
  const key = node.dataset.series || "outcomes";
  const rows = (data && data[key]) || [];
  if (!rows.length) return empty(node);
  if (key === "activity") return activity(node, rows);
  return outcomes(node, rows);
}

export function timeline(node, data) {
  const rows = (data && data.months) || [];
  if (!rows.length) return empty(node);
  draw(node, canvasIn(node, "Posts and messages of this person per month"), {
    type: "bar",
    data: {
      labels: rows.map((r) => r.month),
      datasets: [
        { label: "posts", data: rows.map((r) => r.post || 0), backgroundColor: COLORS.posts },
        { label: "messages", data: rows.map((r) => r.message || 0), backgroundColor: COLORS.messages },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false,
      plugins: { title: { display: true, text: "Activity per month" } },
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
    },
  });
  node.appendChild(dataTable("Activity per month", ["month", "posts", "messages"],
    rows.map((r) => [r.month, r.post || 0, r.message || 0])));
}
