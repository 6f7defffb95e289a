// Shapes for display only: circles and zone buffers drawn as polygons, bounds, distances.
// The service decides every conflict; nothing here is used to decide anything.

const EARTH_RADIUS_M = 6371008.8;
const RAD = Math.PI / 180;

/** The point `distance_m` away from [lon, lat] on bearing `bearingRad` (a sphere is plenty here). */
export function destination([lon, lat], distance_m, bearingRad) {
  const d = distance_m / EARTH_RADIUS_M;
  const phi1 = lat * RAD;
  const lambda1 = lon * RAD;
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(d) + Math.cos(phi1) * Math.sin(d) * Math.cos(bearingRad));
  const lambda2 = lambda1 + Math.atan2(
    Math.sin(bearingRad) * Math.sin(d) * Math.cos(phi1),
    Math.cos(d) - Math.sin(phi1) * Math.sin(phi2),
  );
  return [((lambda2 / RAD + 540) % 360) - 180, phi2 / RAD];
}

export function distance_m([lon1, lat1], [lon2, lat2]) {
  const dphi = (lat2 - lat1) * RAD;
  const dlambda = (lon2 - lon1) * RAD;
  const a = Math.sin(dphi / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dlambda / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

/** A ring around a circle; its vertices lie just outside, so the drawing never looks smaller. */
export function circleRing(center, radius_m, steps = 72) {
  const outward = radius_m / Math.cos(Math.PI / steps);
  const ring = [];
  for (let i = 0; i < steps; i += 1) ring.push(destination(center, outward, (2 * Math.PI * i) / steps));
  ring.push(ring[0]);
  return ring;
}

/** A GeoJSON geometry for an API footprint (Polygon, or Circle: centre + radius). */
export function footprintGeometry(footprint) {
  if (footprint.type === "Circle") {
    return { type: "Polygon", coordinates: [circleRing(footprint.center, footprint.radius_m)] };
  }
  return { type: footprint.type, coordinates: footprint.coordinates };
}

function cross(o, a, b) {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function convexHull(points) {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const lower = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper = [];
  for (const p of sorted.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  const hull = lower.slice(0, -1).concat(upper.slice(0, -1));
  hull.push(hull[0]);
  return hull;
}

/**
 * The outline of a zone's horizontal buffer, for drawing. A circle grows by the buffer; a
 * polygon is drawn as the hull of buffer-sized circles around its vertices: exact for a
 * convex polygon, a little generous for a concave one (the API does not send the buffered
 * shape, and the drawing must never look smaller than what the service protects).
 */
export function bufferGeometry(footprint, buffer_m) {
  if (footprint.type === "Circle") {
    return footprintGeometry({ ...footprint, radius_m: footprint.radius_m + buffer_m });
  }
  const points = [];
  for (const [lon, lat] of footprint.coordinates[0]) {
    if (buffer_m > 0) points.push(...circleRing([lon, lat], buffer_m, 24));
    else points.push([lon, lat]);
  }
  return { type: "Polygon", coordinates: [convexHull(points)] };
}

/** [[west, south], [east, north]] of any GeoJSON geometries, or null if there are none. */
export function bounds(geometries) {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (c) => {
    if (typeof c[0] === "number") {
      west = Math.min(west, c[0]);
      east = Math.max(east, c[0]);
      south = Math.min(south, c[1]);
      north = Math.max(north, c[1]);
    } else {
      for (const inner of c) visit(inner);
    }
  };
  for (const g of geometries) {
    if (g.type === "GeometryCollection") g.geometries.forEach((inner) => visit(inner.coordinates));
    else visit(g.coordinates);
  }
  return Number.isFinite(west) ? [[west, south], [east, north]] : null;
}
