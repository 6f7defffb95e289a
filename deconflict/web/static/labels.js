// Names on the map: HTML labels over the canvas (no glyph fonts are vendored, the map is
// offline), one per shape at a point inside it; colliding, cramped or filtered-out ones hide,
// and one too wide for its shape falls back to its short word (an operation's state) alone.
import { h } from "./dom.js";
import { clipToBox, covers, labelPoint } from "./interior.js";

/** Which label wins a collision, first to last: what needs acting on before what is there. */
const PRIORITY = { warnings: 0, waiting: 1, operations: 2, zones: 3, conflicts: 4 };
/** Clear space kept between two labels, in pixels. */
const GAP_PX = 4;
/** Steps (label heights down and up, label half-widths across) tried around a spot in view. */
const NUDGES = [0, 1, -1, 2, -2, 3, -3].flatMap((dy) => [0, -1, 1].map((dx) => [dx, dy]));

function priorityOf(source, properties) {
  if (source === "conflicts" && properties.answer === "waiting") return PRIORITY.waiting;
  return PRIORITY[source];
}

function overlaps(a, b) {
  return a.left < b.right + GAP_PX && b.left < a.right + GAP_PX && a.top < b.bottom + GAP_PX && b.top < a.bottom + GAP_PX;
}

function labelElement(properties) {
  return h(
    "div",
    { class: "map-label", "data-ref": properties.ref },
    h("span", { class: "label-name" }, properties.label),
    properties.tag ? h("span", { class: `badge ${properties.tag_class ?? ""}` }, properties.tag) : null,
  );
}

/**
 * The label layer of one map. `shown(source, properties)` says whether the map draws that
 * feature now (its layer toggled on, its time window in the filter); `covered()` gives the
 * page's cards over the map, as rectangles in the map's pixels, where no label goes;
 * `clear()` the margins, in pixels, that leave the map's part clear of those cards.
 */
export class MapLabels {
  constructor(map, { shown, covered = () => [], clear = () => ({ top: 0, bottom: 0, left: 0, right: 0 }) }) {
    this.map = map;
    this.shown = shown;
    this.covered = covered;
    this.clear = clear;
    this.bySource = new Map();
    this.ordered = [];
    // Read by no screen reader: each label repeats a panel item, and a list of names in
    // screen order would be noise. Nothing in it can take focus or a click.
    this.layer = h("div", { class: "map-labels", "aria-hidden": "true" });
    const container = map.getContainer();
    container.insertBefore(this.layer, container.querySelector(".maplibregl-control-container"));
    map.on("move", () => this.place());
    map.on("resize", () => this.place());
    map.on("moveend", () => this.placeInView());
  }

  /** Labels for one source's features: those with a `label` property and an inside. */
  setSource(source, features) {
    for (const entry of this.bySource.get(source) ?? []) entry.el.remove();
    const entries = [];
    for (const f of features) {
      if (!f.properties.label) continue;
      const point = labelPoint(f.geometry);
      if (!point) continue;
      const el = labelElement(f.properties);
      this.layer.append(el);
      entries.push({ source, properties: f.properties, geometry: f.geometry, priority: priorityOf(source, f.properties), ...point, inView: null, el, size: null });
    }
    this.bySource.set(source, entries);
    // Within a rank, the roomier shape first: its label is the likelier to be read.
    this.ordered = [...this.bySource.values()].flat().sort((a, b) => a.priority - b.priority || b.inside_rad - a.inside_rad);
    this.placeInView();
  }

  /**
   * Once the map stops: a shape whose label point is out of view (a large zone or warning
   * one has zoomed into) is labelled at a point of its part in the clear view instead. Not
   * at every frame of a pan: that search is the costly part.
   */
  placeInView() {
    const { width, height } = this.map.getContainer().getBoundingClientRect();
    const margin = this.clear();
    const sw = this.map.unproject([margin.left, height - margin.bottom]);
    const ne = this.map.unproject([width - margin.right, margin.top]);
    const view = [[sw.lng, sw.lat], [ne.lng, ne.lat]];
    for (const entry of this.ordered) {
      entry.inView = null;
      if (this.onScreen(entry.at, width, height)) continue;
      const [[west, south], [east, north]] = entry.bounds;
      if (east < view[0][0] || west > view[1][0] || north < view[0][1] || south > view[1][1]) continue;
      const part = clipToBox(entry.geometry, view);
      entry.inView = part && labelPoint(part);
    }
    this.place();
  }

  onScreen(lngLat, width, height) {
    const { x, y } = this.map.project(lngLat);
    return x >= 0 && y >= 0 && x <= width && y <= height;
  }

  /**
   * Show each label that is drawn, fits its shape and meets no label placed before it: whole
   * if it can, else its short word alone, else not at all.
   */
  place() {
    const { width, height } = this.map.getContainer().getBoundingClientRect();
    const pxPerRad = (512 * 2 ** this.map.getZoom()) / (2 * Math.PI);
    // Sizes are read once, all together, before any position is written: one layout.
    for (const entry of this.ordered) {
      if (entry.size?.width) continue;
      const { el } = entry;
      const name = el.querySelector(".label-name");
      const tag = el.querySelector(".badge");
      // The short form drops the name and the gap after it; the box's padding stays.
      const short = tag ? el.offsetWidth - name.offsetWidth - (tag.offsetLeft - name.offsetLeft - name.offsetWidth) : null;
      entry.size = { width: el.offsetWidth, short, height: el.offsetHeight };
    }
    const placed = this.covered();
    const margin = this.clear();
    const clearView = { left: margin.left, top: margin.top, right: width - margin.right, bottom: height - margin.bottom };
    // Where labels at their shapes' own points would stand: a label whose spot is only the
    // part of its shape in view (it has no better one) keeps off these if it can.
    const wanted = new Map();
    for (const entry of this.ordered) {
      const box = this.inViewOnly(entry, width, height) ? null : this.fits(entry, entry.size.width, pxPerRad, width, height);
      if (box) wanted.set(entry, box);
    }
    for (const entry of this.ordered) {
      const forms = [[false, entry.size.width], [true, entry.size.short]].filter(([, w]) => w);
      const free = (box) => !placed.some((other) => overlaps(box, other));
      const apart = (box) => ![...wanted].some(([other, theirs]) => other !== entry && overlaps(box, theirs));
      let shown = null;
      for (const [short, labelWidth] of forms) {
        const boxes = this.candidates(entry, labelWidth, pxPerRad, width, height, clearView);
        const box = boxes.find((b) => free(b) && apart(b)) ?? boxes.find(free);
        if (box) {
          shown = { box, short };
          break;
        }
      }
      if (shown) {
        placed.push(shown.box);
        entry.el.style.transform = `translate(${Math.round(shown.box.left)}px, ${Math.round(shown.box.top)}px)`;
        entry.el.classList.toggle("is-short", shown.short);
      }
      entry.el.classList.toggle("is-hidden", !shown);
    }
  }

  /** Whether the label stands in the part of its shape in view, its own point being out of it. */
  inViewOnly(entry, width, height) {
    return Boolean(entry.inView) && !this.onScreen(entry.at, width, height);
  }

  /**
   * The boxes the label may take, best first: its spot; for a spot in view, also spots
   * around it, still on the shape and clear of the cards (any of them is as good a name).
   */
  candidates(entry, w, pxPerRad, width, height, clearView) {
    const box = this.fits(entry, w, pxPerRad, width, height);
    if (!box || !this.inViewOnly(entry, width, height)) return box ? [box] : [];
    const step = { x: w / 2 + GAP_PX, y: entry.size.height + 2 * GAP_PX };
    return NUDGES.map(([dx, dy]) => ({ left: box.left + dx * step.x, right: box.right + dx * step.x, top: box.top + dy * step.y, bottom: box.bottom + dy * step.y })).filter((b) => {
      const inside = b.left >= clearView.left && b.right <= clearView.right && b.top >= clearView.top && b.bottom <= clearView.bottom;
      const middle = this.map.unproject([(b.left + b.right) / 2, (b.top + b.bottom) / 2]);
      return inside && covers(entry.geometry, [middle.lng, middle.lat]);
    });
  }

  /** The label's box on screen, or null when its shape is not drawn, off screen or too small. */
  fits(entry, w, pxPerRad, width, height) {
    if (!this.shown(entry.source, entry.properties)) return null;
    const hgt = entry.size.height;
    const spot = this.inViewOnly(entry, width, height) ? entry.inView : entry;
    const [[west, south], [east, north]] = spot.bounds;
    const sw = this.map.project([west, south]);
    const ne = this.map.project([east, north]);
    // The shape must be at least as wide and as high as its label, and not a sliver at it.
    if (ne.x - sw.x < w || sw.y - ne.y < hgt || 2 * spot.inside_rad * pxPerRad < hgt) return null;
    const at = this.map.project(spot.at);
    const box = { left: at.x - w / 2, top: at.y - hgt / 2, right: at.x + w / 2, bottom: at.y + hgt / 2 };
    if (box.right < 0 || box.bottom < 0 || box.left > width || box.top > height) return null;
    return box;
  }
}
