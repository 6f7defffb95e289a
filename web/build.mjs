// Writes the console's vendored files: MapLibre GL JS as published, and an offline basemap
// (land, whose outline the map draws as the coastline, borders, graticule) converted from Natural Earth's TopoJSON. Run with
// `npm ci && npm run build`; the output is committed so that installing needs no npm.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature, mesh } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "..", "deconflict", "web", "static", "vendor");
// 50m keeps coastlines recognisable at the regional zooms the console works at, for ~1 MB.
const SCALE = "50m";
// Three decimals of a degree is about 100 m: finer than 1:50m data holds, at half the bytes.
const DECIMALS = 3;

function version(name) {
  return JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).version;
}

function roundedLine(points) {
  // Rounding makes neighbours coincide; repeated points only cost bytes.
  const kept = [];
  for (const [lon, lat] of points) {
    const point = [Number(lon.toFixed(DECIMALS)), Number(lat.toFixed(DECIMALS))];
    const last = kept[kept.length - 1];
    if (!last || last[0] !== point[0] || last[1] !== point[1]) {
      kept.push(point);
    }
  }
  return kept;
}

function rounded(coordinates, depth) {
  return depth === 0 ? roundedLine(coordinates) : coordinates.map((c) => rounded(c, depth - 1));
}

const LINE_DEPTH = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };

function geometryOnly(geometry) {
  return { type: geometry.type, coordinates: rounded(geometry.coordinates, LINE_DEPTH[geometry.type]) };
}

function graticule(stepDeg) {
  // Meridians and parallels are straight in Web Mercator: two points make each line.
  const lines = [];
  for (let lon = -180; lon <= 180; lon += stepDeg) {
    lines.push([[lon, -85], [lon, 85]]);
  }
  for (let lat = -80; lat <= 80; lat += stepDeg) {
    lines.push([[-180, lat], [180, lat]]);
  }
  return { type: "MultiLineString", coordinates: lines };
}

function basemap() {
  const atlas = join(modules, "world-atlas");
  const land = JSON.parse(readFileSync(join(atlas, `land-${SCALE}.json`), "utf8"));
  const countries = JSON.parse(readFileSync(join(atlas, `countries-${SCALE}.json`), "utf8"));
  const landShape = feature(land, land.objects.land);
  const landGeometry = landShape.type === "FeatureCollection"
    ? landShape.features.map((f) => f.geometry)
    : [landShape.geometry];
  // An arc shared by two different countries is a land border.
  const borders = mesh(countries, countries.objects.countries, (a, b) => a !== b);
  const features = [
    ...landGeometry.map((g) => ({ type: "Feature", properties: { kind: "land" }, geometry: geometryOnly(g) })),
    { type: "Feature", properties: { kind: "border" }, geometry: geometryOnly(borders) },
    { type: "Feature", properties: { kind: "graticule" }, geometry: graticule(1) },
  ];
  return { type: "FeatureCollection", features };
}

function sha256(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const dist = join(modules, "maplibre-gl", "dist");
for (const name of ["maplibre-gl.mjs", "maplibre-gl-worker.mjs"]) {
  // The source maps are not shipped, so their trailing reference would only 404 in devtools.
  const text = readFileSync(join(dist, name), "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
  writeFileSync(join(out, name), text);
}
copyFileSync(join(dist, "maplibre-gl.css"), join(out, "maplibre-gl.css"));
copyFileSync(join(modules, "maplibre-gl", "LICENSE.txt"), join(out, "maplibre-gl.LICENSE.txt"));
copyFileSync(join(here, "NOTICE"), join(out, "NOTICE"));
writeFileSync(join(out, "basemap.geojson"), JSON.stringify(basemap()));

const files = ["maplibre-gl.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css", "basemap.geojson"];
const manifest = {
  "maplibre-gl": version("maplibre-gl"),
  "world-atlas": version("world-atlas"),
  "topojson-client": version("topojson-client"),
  basemap_scale: SCALE,
  sha256: Object.fromEntries(files.map((f) => [f, sha256(join(out, f))])),
};
writeFileSync(join(out, "versions.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`vendored into ${out}:`, manifest);
