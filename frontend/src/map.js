// World map of suspects by country: Natural Earth 1:50m countries (world-atlas, bundled: nothing is
// downloaded at run time) projected with d3-geo into SVG paths. Each country with persons links to the
// suspect list filtered on it. Colours are CSS classes (no style attributes: the CSP forbids them).
import { geoNaturalEarth1, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import countries from "i18n-iso-countries";
import en from "i18n-iso-countries/langs/en.json";
import atlas from "world-atlas/countries-50m.json";
import { el, svg, dataTable } from "./dom.js";

countries.registerLocale(en);

const WIDTH = 960;
const HEIGHT = 500;
const BUCKETS = 5;
let shapes = null;

function world() {
  if (!shapes) shapes = feature(atlas, atlas.objects.countries).features;
  return shapes;
}

export function countryName(cc) {
  return countries.getName(cc, "en") || cc;
}

// Quantile-free log buckets: 1 person is bucket 1, the largest country is bucket BUCKETS.
function bucketOf(n, max) {
  if (!n) return 0;
  if (max <= 1) return BUCKETS;
  return 1 + Math.min(BUCKETS - 1, Math.floor((Math.log(n) / Math.log(max)) * (BUCKETS - 1) + 1e-9));
}

function suspectsUrl(cc) {
  return "/suspects?country=" + encodeURIComponent(cc);
}

export function map(node, data) {
  const rows = Array.isArray(data) ? data : [];
  const byNumeric = new Map();
  const unplaced = [];
  let abstained = 0;
  let max = 0;
  for (const r of rows) {
    const n = Number(r.persons) || 0;
    if (!r.country) { abstained += n; continue; }
    max = Math.max(max, n);
    const num = countries.alpha2ToNumeric(String(r.country).toUpperCase());
    if (num) byNumeric.set(num, r);
    else unplaced.push(r);
  }
  const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: "Sphere" });
  const path = geoPath(projection);
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "worldmap", role: "img",
    "aria-label": "Suspects by attributed country" });
  root.appendChild(svg("path", { d: path({ type: "Sphere" }), class: "sphere" }));
  const seen = new Set();
  for (const f of world()) {
    const r = byNumeric.get(f.id);
    const d = path(f);
    if (!d) continue;
    const shape = svg("path", { d, class: "country q" + (r ? bucketOf(Number(r.persons), max) : 0) });
    const title = svg("title");
    if (r) {
      seen.add(f.id);
      const cc = String(r.country).toUpperCase();
      shape.setAttribute("data-country", cc);
      title.textContent = `${countryName(cc)} (${cc}): ${r.persons} persons, ${r.high || 0} high priority`;
      shape.appendChild(title);
      const link = svg("a", { href: suspectsUrl(cc), class: "country-link" });
      link.appendChild(shape);
      root.appendChild(link);
    } else {
      title.textContent = f.properties && f.properties.name ? String(f.properties.name) : "";
      shape.appendChild(title);
      root.appendChild(shape);
    }
  }
  for (const [num, r] of byNumeric) if (!seen.has(num)) unplaced.push(r);
  node.appendChild(root);
  node.appendChild(legend(max));
  if (unplaced.length || abstained) {
    const p = el("p", null, "advice map-unplaced");
    const parts = unplaced.map((r) => `${r.country}: ${r.persons}`);
    if (abstained) parts.push(`no country attributed: ${abstained}`);
    p.textContent = "Not on the map — " + parts.join(", ");
    node.appendChild(p);
  }
  node.appendChild(dataTable("Persons per country", ["country", "name", "persons", "high priority"],
    rows.map((r) => [r.country || "—", r.country ? countryName(String(r.country).toUpperCase()) : "(abstained)",
      r.persons, r.high || 0])));
  node.dataset.map = "drawn";
  node.dataset.countries = String(seen.size);
}

function legend(max) {
  const box = el("div", null, "map-legend");
  box.appendChild(el("span", "Persons:"));
  let lo = 1;
  for (let b = 1; b <= BUCKETS; b++) {
    // the highest n that still falls in bucket b
    let hi = lo;
    while (hi < max && bucketOf(hi + 1, max) === b) hi++;
    if (bucketOf(lo, max) !== b) continue;
    const item = el("span", null, "legend-item");
    const swatch = el("span", null, "swatch q" + b);
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(lo === hi ? String(lo) : `${lo}–${hi}`));
    box.appendChild(item);
    lo = hi + 1;
    if (lo > max) break;
  }
  return box;
}
