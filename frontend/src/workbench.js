// The workbench's rich views. app.js (no dependencies) fetches each element's JSON and calls
// window.RescueViews[kind](element, data); without this bundle it draws plain tables instead.
// Seized user names reach the page only through textContent, SVG <title> text or canvas text.
import "./workbench.css";
import { chart, timeline } from "./charts.js";
import { map } from "./map.js";
import { graph } from "./graph.js";

window.RescueViews = { chart, timeline, map, graph, bundle: "workbench" };
document.documentElement.dataset.bundle = "workbench";
