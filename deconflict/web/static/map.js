// The map: an offline basemap, the party's data as layers, a time filter and click details.
// Colours are Okabe–Ito (readable with the common colour-vision deficiencies), and every
// kind and state also differs by outline style or fill pattern, never by colour alone.
import { MapLabels } from "./labels.js";
import * as maplibregl from "./vendor/maplibre-gl.mjs";

export const COLOURS = {
  zone: "#0072B2",
  buffer: "#56B4E9",
  pending: "#E69F00",
  cleared: "#009E73",
  objected: "#D55E00",
  override: "#CC79A7",
  conflict: "#F0E442",
  ink: "#000000",
  draft: "#6b6b6b",
  sea: "#dfe8ee",
  land: "#f4f1ea",
};

/** Operation states by how they are drawn: the legend and the layers share this table. */
export const STATE_STYLES = [
  { key: "pending", states: ["submitted", "in_consultation"], colour: COLOURS.pending, dash: [3, 2], label: "in consultation, dashed" },
  { key: "cleared", states: ["cleared", "active"], colour: COLOURS.cleared, dash: null, label: "cleared or active, solid" },
  { key: "objected", states: ["objected"], colour: COLOURS.objected, dash: null, pattern: "hatch-objected", label: "objected, hatched" },
  { key: "override", states: ["cleared_over_objection"], colour: COLOURS.override, dash: null, pattern: "hatch-override", label: "cleared over objection, cross-hatched" },
  { key: "draft", states: ["draft"], colour: COLOURS.draft, dash: [1, 2], label: "draft, dotted" },
];

/** The outline of an overlap that waits for the party's answer: twice as heavy as others. */
export const WAITING_LINE_WIDTH = 5;

const DATA_SOURCES = ["zones", "buffers", "operations", "conflicts", "warnings", "draft", "selected"];
/** Sources whose shapes carry labels; each is also the legend toggle that shows them. */
const LABELLED = new Set(["zones", "operations", "conflicts", "warnings"]);
/** Layers a click can pick, topmost first. */
export const PICKABLE = ["warnings-fill", "conflicts-fill", "conflicts-point", "operations-fill", "zones-fill", "buffers-fill"];
const TIME_FILTERED = new Set();
const BASE_FILTERS = new Map();

function basemapStyle() {
  return {
    version: 8,
    name: "deconflict offline basemap",
    sources: {
      // 1:50m data holds no detail past zoom 7: deeper tiles are overzoomed, not re-cut.
      basemap: { type: "geojson", data: new URL("vendor/basemap.geojson", document.baseURI).href, maxzoom: 7, tolerance: 0.5 },
    },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": COLOURS.sea } },
      {
        id: "land",
        type: "fill",
        source: "basemap",
        filter: ["==", ["get", "kind"], "land"],
        paint: { "fill-color": COLOURS.land },
      },
      {
        id: "graticule",
        type: "line",
        source: "basemap",
        filter: ["==", ["get", "kind"], "graticule"],
        paint: { "line-color": "#9fb3c2", "line-width": 0.5, "line-opacity": 0.6 },
      },
      {
        id: "coastline",
        type: "line",
        source: "basemap",
        filter: ["==", ["get", "kind"], "land"],
        paint: { "line-color": "#7d93a3", "line-width": 1 },
      },
      {
        id: "borders",
        type: "line",
        source: "basemap",
        filter: ["==", ["get", "kind"], "border"],
        paint: { "line-color": "#8a7f8e", "line-width": 1, "line-dasharray": [4, 2] },
      },
    ],
  };
}

/** A small repeating image drawn on a canvas: hatching, cross-hatching or dots. */
function pattern(kind, colour, size = 12) {
  const ratio = 2;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size * ratio;
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 1.6;
  const diagonal = (flip) => {
    ctx.beginPath();
    for (const offset of [-size, 0, size]) {
      if (flip) {
        ctx.moveTo(offset, 0);
        ctx.lineTo(offset + size, size);
      } else {
        ctx.moveTo(offset, size);
        ctx.lineTo(offset + size, 0);
      }
    }
    ctx.stroke();
  };
  if (kind === "hatch") diagonal(false);
  if (kind === "cross") {
    diagonal(false);
    diagonal(true);
  }
  if (kind === "dots") {
    ctx.beginPath();
    ctx.arc(size / 4, size / 4, 1.3, 0, 2 * Math.PI);
    ctx.moveTo((3 * size) / 4, (3 * size) / 4);
    ctx.arc((3 * size) / 4, (3 * size) / 4, 1.3, 0, 2 * Math.PI);
    ctx.fill();
  }
  return { image: ctx.getImageData(0, 0, size * ratio, size * ratio), pixelRatio: ratio };
}

function addPatterns(map) {
  const patterns = {
    "hatch-objected": pattern("hatch", COLOURS.objected),
    "hatch-override": pattern("cross", COLOURS.override),
    "cross-conflict": pattern("cross", "rgba(0,0,0,0.55)", 10),
    "dots-warning": pattern("dots", "rgba(0,0,0,0.8)", 14),
  };
  for (const [id, { image, pixelRatio }] of Object.entries(patterns)) {
    map.addImage(id, { width: image.width, height: image.height, data: image.data }, { pixelRatio });
  }
}

function layer(map, spec, { timed = true } = {}) {
  map.addLayer(spec);
  BASE_FILTERS.set(spec.id, spec.filter ?? null);
  if (timed) TIME_FILTERED.add(spec.id);
}

function addDataLayers(map) {
  const empty = { type: "FeatureCollection", features: [] };
  for (const id of DATA_SOURCES) map.addSource(id, { type: "geojson", data: empty });
  const polygons = ["match", ["geometry-type"], ["Polygon", "MultiPolygon"], true, false];
  const withParty = ["==", ["get", "target"], "party"];

  // Fills first, outlines over every fill: a small zone under an overlap still shows.
  layer(map, { id: "buffers-fill", type: "fill", source: "buffers", paint: { "fill-color": COLOURS.buffer, "fill-opacity": 0.12 } });
  layer(map, { id: "zones-fill", type: "fill", source: "zones", paint: { "fill-color": COLOURS.zone, "fill-opacity": 0.3 } });
  layer(map, {
    id: "operations-fill",
    type: "fill",
    source: "operations",
    paint: {
      "fill-color": ["match", ["get", "style"], ...STATE_STYLES.flatMap((s) => [s.key, s.colour]), COLOURS.draft],
      "fill-opacity": 0.18,
    },
  });
  for (const style of STATE_STYLES.filter((s) => s.pattern)) {
    const filter = ["==", ["get", "style"], style.key];
    layer(map, { id: `operations-pattern-${style.key}`, type: "fill", source: "operations", filter, paint: { "fill-pattern": style.pattern, "fill-opacity": 0.7 } });
  }
  layer(map, { id: "warnings-fill", type: "fill", source: "warnings", paint: { "fill-pattern": "dots-warning", "fill-opacity": 0.35 } });
  layer(map, { id: "conflicts-fill", type: "fill", source: "conflicts", filter: ["all", polygons, withParty], paint: { "fill-color": COLOURS.conflict, "fill-opacity": 0.75 } });
  layer(map, { id: "conflicts-pattern", type: "fill", source: "conflicts", filter: ["all", polygons, withParty], paint: { "fill-pattern": "cross-conflict" } });

  layer(map, { id: "buffers-line", type: "line", source: "buffers", paint: { "line-color": COLOURS.zone, "line-width": 1.5, "line-dasharray": [2, 2] } });
  layer(map, { id: "warnings-line", type: "line", source: "warnings", paint: { "line-color": COLOURS.ink, "line-width": 3, "line-dasharray": [5, 1.5, 1, 1.5] } });
  layer(map, { id: "conflicts-line", type: "line", source: "conflicts", filter: withParty, paint: { "line-color": COLOURS.ink, "line-width": ["case", ["==", ["get", "answer"], "waiting"], WAITING_LINE_WIDTH, 2] } });
  layer(map, { id: "authority-line", type: "line", source: "conflicts", filter: ["!", withParty], paint: { "line-color": COLOURS.ink, "line-width": 1, "line-dasharray": [1, 3] } });
  layer(map, { id: "zones-line", type: "line", source: "zones", paint: { "line-color": COLOURS.zone, "line-width": 2.5 } });
  for (const style of STATE_STYLES) {
    const filter = ["==", ["get", "style"], style.key];
    const paint = { "line-color": style.colour, "line-width": 3 };
    if (style.dash) paint["line-dasharray"] = style.dash;
    layer(map, { id: `operations-line-${style.key}`, type: "line", source: "operations", filter, paint });
  }
  layer(map, {
    id: "conflicts-point",
    type: "circle",
    source: "conflicts",
    filter: ["all", ["==", ["geometry-type"], "Point"], withParty],
    paint: { "circle-color": COLOURS.conflict, "circle-radius": 6, "circle-stroke-color": COLOURS.ink, "circle-stroke-width": 2 },
  });

  layer(map, { id: "selected-line", type: "line", source: "selected", paint: { "line-color": COLOURS.ink, "line-width": 5, "line-opacity": 0.35 } }, { timed: false });
  layer(map, { id: "draft-fill", type: "fill", source: "draft", filter: polygons, paint: { "fill-color": COLOURS.ink, "fill-opacity": 0.08 } }, { timed: false });
  layer(map, { id: "draft-line", type: "line", source: "draft", paint: { "line-color": COLOURS.ink, "line-width": 2, "line-dasharray": [1, 1] } }, { timed: false });
  layer(map, {
    id: "draft-point",
    type: "circle",
    source: "draft",
    filter: ["==", ["geometry-type"], "Point"],
    paint: { "circle-color": "#ffffff", "circle-radius": 4, "circle-stroke-color": COLOURS.ink, "circle-stroke-width": 2 },
  }, { timed: false });
}

/** Which layers each legend toggle shows or hides. */
export const GROUPS = {
  zones: ["zones-fill", "zones-line"],
  buffers: ["buffers-fill", "buffers-line"],
  operations: ["operations-fill", ...STATE_STYLES.flatMap((s) => [`operations-line-${s.key}`, ...(s.pattern ? [`operations-pattern-${s.key}`] : [])])],
  conflicts: ["conflicts-fill", "conflicts-pattern", "conflicts-line", "conflicts-point", "authority-line"],
  warnings: ["warnings-fill", "warnings-line"],
};

/** A card laid over the map, if the page has it and shows it. */
function overlay(id) {
  const el = document.getElementById(id);
  return el && !el.hidden ? el : null;
}

// One worker does: the sources are small, and each worker parses MapLibre's code again.
maplibregl.setWorkerCount(1);

export class ConsoleMap {
  constructor(container) {
    this.map = new maplibregl.Map({
      container,
      style: basemapStyle(),
      center: [10, 30],
      zoom: 1.3,
      attributionControl: false,
      // The page must work offline: nothing may reach for a remote resource.
      maxPitch: 0,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    this.map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    this.map.addControl(new maplibregl.AttributionControl({ compact: true, customAttribution: "Basemap: Natural Earth (public domain) · MapLibre" }));
    this.timeWindow = null;
    this.hiddenGroups = new Set();
    this.lastData = new Map();
    this.labels = new MapLabels(this.map, {
      shown: (source, properties) => this.isDrawn(source, properties),
      covered: () => this.covered(),
      clear: () => this.clearOfOverlays(),
    });
    this.ready = new Promise((resolve) => {
      this.map.on("load", () => {
        addPatterns(this.map);
        addDataLayers(this.map);
        resolve(this);
      });
    });
    this.fitted = false;
  }

  setData(id, features) {
    // Unchanged data is not sent again: re-tiling and repainting is the costly part.
    const text = JSON.stringify(features);
    if (this.lastData.get(id) === text) return;
    this.lastData.set(id, text);
    this.map.getSource(id)?.setData({ type: "FeatureCollection", features });
    if (LABELLED.has(id)) this.labels.setSource(id, features);
  }

  setVisible(group, visible) {
    for (const id of GROUPS[group]) this.map.setLayoutProperty(id, "visibility", visible ? "visible" : "none");
    if (visible) this.hiddenGroups.delete(group);
    else this.hiddenGroups.add(group);
    this.labels.place();
  }

  /** Whether a feature of `source` is drawn now: its toggle on, its window in the filter's. */
  isDrawn(source, { start_ms, end_ms }) {
    if (this.hiddenGroups.has(source)) return false;
    const window = this.timeWindow;
    return !window || (start_ms < window[1] && end_ms > window[0]);
  }

  /** Show only what overlaps [startMs, endMs); null shows everything. */
  setTimeWindow(window) {
    this.timeWindow = window;
    for (const id of TIME_FILTERED) {
      const base = BASE_FILTERS.get(id);
      const parts = [];
      if (base) parts.push(base);
      if (window) parts.push(["<", ["get", "start_ms"], window[1]], [">", ["get", "end_ms"], window[0]]);
      this.map.setFilter(id, parts.length === 0 ? null : parts.length === 1 ? parts[0] : ["all", ...parts]);
    }
    this.labels.place();
  }

  fit(boundsLngLat, { once = false } = {}) {
    if (!boundsLngLat || (once && this.fitted)) return;
    this.fitted = true;
    this.map.fitBounds(boundsLngLat, { padding: this.clearOfOverlays(), maxZoom: 13, duration: 0 });
  }

  /** The legend and the time bar, as boxes in the map's pixels: labels under them could not be read. */
  covered() {
    const origin = this.map.getContainer().getBoundingClientRect();
    return [overlay("legend"), overlay("timebar")].filter(Boolean).map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left - origin.left, top: r.top - origin.top, right: r.right - origin.left, bottom: r.bottom - origin.top };
    });
  }

  /** Padding that keeps fitted shapes out from under the legend and the time bar. */
  clearOfOverlays() {
    const { width, height } = this.map.getContainer().getBoundingClientRect();
    const legend = document.getElementById("legend");
    const timebar = document.getElementById("timebar");
    const padding = { top: 30 + (timebar?.offsetHeight ?? 0), bottom: 40, left: 40, right: 50 };
    if (legend?.open) padding.right = legend.offsetWidth + 30;
    // On a small map, a smaller margin beats a shape squeezed into a sliver.
    if (width - padding.left - padding.right < width / 2) padding.right = 50;
    if (height - padding.top - padding.bottom < height / 2) padding.top = 40;
    return padding;
  }

  pick(point) {
    const layers = PICKABLE.filter((id) => this.map.getLayer(id));
    return this.map.queryRenderedFeatures(point, { layers });
  }
}
