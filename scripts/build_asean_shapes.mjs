// Build src/ascn/network/data/asean-countries.geojson from Natural Earth
// shapes as packaged by the npm package `world-atlas` (v2, countries-50m.json).
//
// Usage:
//   mkdir -p /tmp/atlas && cd /tmp/atlas && npm init -y && npm install world-atlas@2 topojson-client@3
//   node scripts/build_asean_shapes.mjs /tmp/atlas/node_modules/world-atlas [output.geojson]
// or set WORLD_ATLAS_DIR instead of the first argument.
// topojson-client is resolved from the node_modules folder that holds world-atlas.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const atlasDir = process.argv[2] || process.env.WORLD_ATLAS_DIR;
if (!atlasDir) {
  console.error("usage: node build_asean_shapes.mjs <path/to/node_modules/world-atlas> [out]");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const out =
  process.argv[3] ||
  path.join(here, "..", "src", "ascn", "network", "data", "asean-countries.geojson");

const require = createRequire(path.join(path.resolve(atlasDir), "package.json"));
const { feature } = require("topojson-client");
const atlasVersion = require("./package.json").version;
const topo = JSON.parse(readFileSync(path.join(atlasDir, "countries-50m.json"), "utf8"));

// ISO 3166-1 numeric -> [alpha-2, name]
const ASEAN = {
  "096": ["BN", "Brunei"],
  "116": ["KH", "Cambodia"],
  "360": ["ID", "Indonesia"],
  "418": ["LA", "Lao PDR"],
  "458": ["MY", "Malaysia"],
  "104": ["MM", "Myanmar"],
  "608": ["PH", "Philippines"],
  "702": ["SG", "Singapore"],
  "764": ["TH", "Thailand"],
  "704": ["VN", "Viet Nam"],
  "626": ["TL", "Timor-Leste"],
};

const r3 = (v) => Math.round(v * 1000) / 1000;
// Planar signed area (shoelace), enough to detect a ring whose winding flips or
// collapses when rounded (d3/Vega would then fill the whole globe).
const area = (ring) => {
  let a = 0;
  for (let i = 0, n = ring.length - 1; i < n; i++) {
    a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  }
  return a / 2;
};
let dropped = 0;
const roundRing = (ring) => {
  const outRing = [];
  for (const [x, y] of ring) {
    const p = [r3(x), r3(y)];
    const last = outRing[outRing.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) outRing.push(p);
  }
  const before = area(ring);
  const after = area(outRing);
  if (outRing.length < 4 || after === 0 || Math.sign(after) !== Math.sign(before)) {
    dropped++;
    return null;
  }
  return outRing;
};
const roundPolygon = (poly) => {
  const [outer, ...holes] = poly;
  const o = roundRing(outer);
  if (!o) return null;
  return [o, ...holes.map(roundRing).filter(Boolean)];
};

const features = [];
for (const geom of topo.objects.countries.geometries) {
  const meta = ASEAN[geom.id];
  if (!meta) continue;
  const f = feature(topo, geom);
  let polys =
    f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  polys = polys.map(roundPolygon).filter(Boolean);
  features.push({
    type: "Feature",
    id: meta[0],
    properties: { code: meta[0], name: meta[1] },
    geometry:
      polys.length === 1
        ? { type: "Polygon", coordinates: polys[0] }
        : { type: "MultiPolygon", coordinates: polys },
  });
}
const missing = Object.values(ASEAN)
  .map(([code]) => code)
  .filter((code) => !features.some((f) => f.id === code));
if (missing.length) {
  console.error(`missing in countries-50m.json: ${missing.join(", ")}`);
  process.exit(1);
}
features.sort((a, b) => a.id.localeCompare(b.id));

// One feature per line keeps diffs readable.
const body = features.map((f) => JSON.stringify(f)).join(",\n");
writeFileSync(out, `{"type":"FeatureCollection","features":[\n${body}\n]}\n`);
console.log(
  `world-atlas ${atlasVersion}: wrote ${features.length} countries to ${out}` +
    ` (${dropped} tiny rings dropped by rounding)`,
);
