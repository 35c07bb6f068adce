// Small DOM helpers: text only through textContent, attributes only through setAttribute.
export function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
}

// The numbers behind a chart, for screen readers and for copying: a collapsed table.
export function dataTable(caption, headers, rows) {
  const details = el("details", null, "chart-data");
  details.appendChild(el("summary", caption));
  const t = el("table", null, "data");
  const head = t.createTHead().insertRow();
  headers.forEach((h) => head.appendChild(el("th", h)));
  const body = t.createTBody();
  rows.forEach((r) => {
    const tr = body.insertRow();
    r.forEach((v) => tr.appendChild(el("td", v)));
  });
  details.appendChild(t);
  return details;
}
