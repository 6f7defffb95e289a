// Where a label stands inside an area: a point deep inside it, also in a concave shape or one
// with holes. For display only, like geo.js. The search runs in Web Mercator (x, y in
// radians), the plane the map is drawn in: the point is as deep inside on screen at every
// zoom, and a distance times the world's width in pixels over 2π is a distance in pixels.
import { bounds } from "./geo.js";

const RAD = Math.PI / 180;

const mercatorX = (lon) => lon * RAD;
const mercatorY = (lat) => Math.log(Math.tan(Math.PI / 4 + (Math.max(-85, Math.min(85, lat)) * RAD) / 2));
const latOf = (y) => (2 * Math.atan(Math.exp(y)) - Math.PI / 2) / RAD;

/**
 * A line of text is wide: the search runs in a plane squeezed this much across, so it finds
 * the centre of the largest inscribed ellipse three times as wide as high, where a label has
 * most room (the middle of a U's base, not a corner of it).
 */
const LABEL_STRETCH = 3;

/** The polygons of a geometry, each a list of rings: lines and points have no inside. */
function polygonsOf(geometry) {
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  if (geometry.type === "GeometryCollection") return geometry.geometries.flatMap(polygonsOf);
  return [];
}

function ringArea(ring) {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) twice += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return Math.abs(twice) / 2;
}

function squaredSegmentDistance(x, y, [ax, ay], [bx, by]) {
  let dx = bx - ax;
  let dy = by - ay;
  if (dx !== 0 || dy !== 0) {
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    ax += dx * t;
    ay += dy * t;
  }
  dx = x - ax;
  dy = y - ay;
  return dx * dx + dy * dy;
}

/** Whether the edge a–b crosses the ray east of (x, y): an odd count of them means inside (even-odd). */
function crossesRayEast(x, y, a, b) {
  return a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0];
}

/** Distance from (x, y) to the nearest edge: positive inside the polygon, negative outside or in a hole. */
function signedDistance(x, y, rings) {
  let inside = false;
  let nearest = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      const a = ring[i];
      const b = ring[j];
      if (crossesRayEast(x, y, a, b)) inside = !inside;
      nearest = Math.min(nearest, squaredSegmentDistance(x, y, a, b));
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(nearest);
}

function cell(x, y, half, rings) {
  const d = signedDistance(x, y, rings);
  return { x, y, half, d, best: d + half * Math.SQRT2 };
}

/** A max-heap of cells by the best distance any point in them could have. */
class CellQueue {
  constructor() {
    this.items = [];
  }

  push(item) {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent].best >= a[i].best) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }

  pop() {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        let largest = i;
        for (const child of [2 * i + 1, 2 * i + 2]) if (child < a.length && a[child].best > a[largest].best) largest = child;
        if (largest === i) break;
        [a[largest], a[i]] = [a[i], a[largest]];
        i = largest;
      }
    }
    return top;
  }

  get size() {
    return this.items.length;
  }
}

/**
 * The point of a polygon (with holes) farthest from its edges, and that distance: the
 * "pole of inaccessibility", found by the quadtree search of Mapbox's polylabel (Agafonkin,
 * 2016). Unlike a centroid or a box's centre, it lies inside a concave shape or one with a
 * hole. The search stops at 1/200 of the shape's size, and after a bounded number of cells;
 * of the points about as far inside as the best, the one nearest the middle is taken, so a
 * long strip is labelled at its middle, not at whichever end the search met first.
 */
function poleOfInaccessibility(rings) {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of rings[0]) {
    west = Math.min(west, x);
    east = Math.max(east, x);
    south = Math.min(south, y);
    north = Math.max(north, y);
  }
  const size = Math.min(east - west, north - south);
  if (!(size > 0)) return { x: west, y: south, d: 0 };
  const precision = Math.max(east - west, north - south) / 200;
  const queue = new CellQueue();
  const half = size / 2;
  for (let x = west; x < east; x += size) for (let y = south; y < north; y += size) queue.push(cell(x + half, y + half, half, rings));
  const middle = cell((west + east) / 2, (south + north) / 2, 0, rings);
  let best = middle;
  const seen = [middle];
  while (queue.size > 0 && seen.length < 4000) {
    const c = queue.pop();
    seen.push(c);
    if (c.d > best.d) best = c;
    if (c.best - best.d <= precision) continue;
    const h = c.half / 2;
    for (const [dx, dy] of [[-h, -h], [h, -h], [-h, h], [h, h]]) queue.push(cell(c.x + dx, c.y + dy, h, rings));
  }
  const offCentre = (c) => Math.hypot(c.x - middle.x, c.y - middle.y);
  return seen.filter((c) => c.d >= best.d - precision).reduce((a, b) => (offCentre(b) < offCentre(a) ? b : a));
}

/**
 * Where to put a label on an area: `{ at: [lon, lat], inside_rad, bounds }` with the
 * room above and below `at` (the inscribed ellipse's half height) in Web Mercator radians
 * and the bounds of the part it lies in; null for a line or a point, which have no inside
 * to hold a label. Of several polygons, the largest holds it.
 */
export function labelPoint(geometry) {
  const polygons = polygonsOf(geometry);
  if (polygons.length === 0) return null;
  const projected = polygons.map((rings) => rings.map((ring) => ring.map(([lon, lat]) => [mercatorX(lon) / LABEL_STRETCH, mercatorY(lat)])));
  let largest = 0;
  projected.forEach((rings, i) => {
    if (ringArea(rings[0]) > ringArea(projected[largest][0])) largest = i;
  });
  const pole = poleOfInaccessibility(projected[largest]);
  return { at: [(pole.x * LABEL_STRETCH) / RAD, latOf(pole.y)], inside_rad: Math.max(0, pole.d), bounds: bounds([{ type: "Polygon", coordinates: polygons[largest] }]) };
}

/** A ring cut to the box [[west, south], [east, north]] (Sutherland–Hodgman), or null if none is left. */
function clipRing(ring, [[west, south], [east, north]]) {
  const edges = [
    [(p) => p[0] >= west, (a, b) => [west, a[1] + ((b[1] - a[1]) * (west - a[0])) / (b[0] - a[0])]],
    [(p) => p[0] <= east, (a, b) => [east, a[1] + ((b[1] - a[1]) * (east - a[0])) / (b[0] - a[0])]],
    [(p) => p[1] >= south, (a, b) => [a[0] + ((b[0] - a[0]) * (south - a[1])) / (b[1] - a[1]), south]],
    [(p) => p[1] <= north, (a, b) => [a[0] + ((b[0] - a[0]) * (north - a[1])) / (b[1] - a[1]), north]],
  ];
  let points = ring.slice(0, -1);
  for (const [inside, cross] of edges) {
    const kept = [];
    points.forEach((p, i) => {
      const previous = points[(i + points.length - 1) % points.length];
      if (inside(p)) {
        if (!inside(previous)) kept.push(cross(previous, p));
        kept.push(p);
      } else if (inside(previous)) {
        kept.push(cross(previous, p));
      }
    });
    points = kept;
    if (points.length < 3) return null;
  }
  return [...points, points[0]];
}

/**
 * The part of an area inside a box, as a MultiPolygon, or null if nothing of it is: where
 * a label goes when the shape's own label point is out of view. The cut may leave edges
 * along the box's sides, which is where the view ends anyway.
 */
export function clipToBox(geometry, box) {
  const parts = [];
  for (const rings of polygonsOf(geometry)) {
    const outer = clipRing(rings[0], box);
    if (outer) parts.push([outer, ...rings.slice(1).map((r) => clipRing(r, box)).filter(Boolean)]);
  }
  return parts.length > 0 ? { type: "MultiPolygon", coordinates: parts } : null;
}

/** Whether [lon, lat] lies inside an area (even-odd: a point in a hole is outside). */
export function covers(geometry, [lon, lat]) {
  return polygonsOf(geometry).some((rings) => {
    let inside = false;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
        if (crossesRayEast(lon, lat, ring[i], ring[j])) inside = !inside;
      }
    }
    return inside;
  });
}
