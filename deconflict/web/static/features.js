// Turns what the API returned into map features: one per volume or overlap region, each
// tagged with a `ref` the details card looks up, its time window for the slider, and the
// words of its map label (`label`, and a short `tag` styled as the panels' badge).
import { words } from "./dom.js";
import { bufferGeometry, footprintGeometry } from "./geo.js";
import { STATE_STYLES } from "./map.js";

/** Operation states that are over: kept in the list, left off the map. */
export const FINAL_STATES = new Set(["completed", "withdrawn", "cancelled"]);

const STYLE_OF_STATE = new Map(STATE_STYLES.flatMap((s) => s.states.map((state) => [state, s.key])));

function feature(geometry, ref, timed, extra = {}) {
  return {
    type: "Feature",
    geometry,
    properties: { ref, start_ms: Date.parse(timed.start), end_ms: Date.parse(timed.end), ...extra },
  };
}

/**
 * Another party's operation is named only as the API named it to this party: by name or
 * pseudonym as the agreement discloses, else not at all (need to know).
 */
function plannerLabel(seen) {
  return seen.planner ?? "another party";
}

/** The newest notice of each operation: older versions' regions no longer hold. */
export function latestNotices(notices) {
  const newest = new Map();
  for (const n of notices) {
    const key = n.operation.operation_id ?? n.id;
    const seen = newest.get(key);
    if (!seen || n.operation_version > seen.operation_version) newest.set(key, n);
  }
  return [...newest.values()];
}

export function mapFeatures(state) {
  const zones = [];
  const buffers = [];
  for (const zone of state.zones) {
    if (zone.retired_at) continue;
    zone.volumes.forEach((v, i) => {
      const ref = `zone:${zone.id}:${i}`;
      zones.push(feature(footprintGeometry(v.footprint), ref, v, { label: zone.name }));
      if (zone.buffer.horizontal_m > 0) {
        buffers.push(feature(bufferGeometry(v.footprint, zone.buffer.horizontal_m), ref, v));
      }
    });
  }

  const operations = [];
  const conflicts = [];
  for (const op of state.operations) {
    if (FINAL_STATES.has(op.state)) continue;
    op.volumes.forEach((v, i) => {
      const label = op.purpose || `operation v${op.version}`;
      const tag = { tag: words(op.state), tag_class: `state-${op.state}` };
      operations.push(feature(footprintGeometry(v.footprint), `operation:${op.id}:${i}`, v, { style: STYLE_OF_STATE.get(op.state) ?? "draft", label, ...tag }));
    });
    (op.conflicts ?? []).forEach((c, ci) => {
      // An authority's area is not a conflict to settle (it is only told): drawn apart.
      const target = c.kind === "authority_area" ? "authority" : "party";
      const label = target === "party" ? `meets ${c.target_id ? "your" : "another party's"} ${words(c.kind)}` : null;
      c.regions.forEach((r, ri) => conflicts.push(feature(r.footprint, `conflict:${op.id}:${ci}:${ri}`, r, { target, label })));
    });
  }
  for (const item of state.consultations) {
    if (item.status === "closed") continue;
    // What still waits for this party's answer is drawn apart from what it has answered.
    const answer = item.status === "pending" ? "waiting" : "answered";
    const label = { label: plannerLabel(item.operation), tag: answer === "waiting" ? "answer needed" : words(item.status), tag_class: `status-${item.status}` };
    item.operation.regions.forEach((r, ri) => conflicts.push(feature(r.footprint, `consultation:${item.id}:${ri}`, r, { target: "party", answer, ...label })));
  }
  for (const notice of latestNotices(state.notices)) {
    const label = { label: plannerLabel(notice.operation), tag: "notice", tag_class: "status-closed" };
    notice.operation.regions.forEach((r, ri) => conflicts.push(feature(r.footprint, `notice:${notice.id}:${ri}`, r, { target: "party", ...label })));
  }

  const warnings = [];
  const warningLabel = (w) => ({ label: w.message, tag: w.severity, tag_class: `severity-${w.severity}` });
  for (const w of state.received) warnings.push(feature(footprintGeometry(w.volume.footprint), `received:${w.id}`, w.volume, warningLabel(w)));
  for (const w of state.raised) warnings.push(feature(footprintGeometry(w.volume.footprint), `raised:${w.id}`, w.volume, warningLabel(w)));

  return { zones, buffers, operations, conflicts, warnings };
}
