// Bundles the workbench's charts, world map and contact graph into src/rescue/web/static/vendor/
// (workbench.js + workbench.css): one IIFE, no eval, no inline style, nothing fetched at run time
// (the world map's TopoJSON is inside the bundle). Run by `make frontend` (npm ci, then this).
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "..", "src", "rescue", "web", "static", "vendor");
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { workbench: resolve(here, "src", "workbench.js") },
  outdir: out,
  bundle: true,
  format: "iife",
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  target: ["es2020"],
  loader: { ".json": "json" },
  logLevel: "warning",
});
