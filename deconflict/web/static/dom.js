// DOM helpers and display formats: elements built from data, never from HTML strings.

/** An element with attributes and children; text children become text nodes (no HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") el.className = value;
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function byId(id) {
  return document.getElementById(id);
}

/**
 * Keep `container`'s children in step with `items`, reusing each item's element by key so
 * that what the user typed, opened or focused survives a refresh. `create(item)` builds an
 * element once; `update(el, item)` brings it up to date every time.
 */
export function keyedList(container, items, key, create, update) {
  const known = new Map();
  for (const el of container.children) {
    if (el.dataset.key) known.set(el.dataset.key, el);
  }
  const wanted = new Set(items.map(key));
  for (const [k, el] of known) {
    if (!wanted.has(k)) el.remove();
  }
  items.forEach((item, index) => {
    const k = key(item);
    let el = known.get(k);
    if (!el) {
      el = create(item);
      el.dataset.key = k;
    }
    update(el, item);
    // Moving a node that holds focus would drop it: only move what is out of place.
    if (container.children[index] !== el) container.insertBefore(el, container.children[index] ?? null);
  });
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "14:30Z 3 Dec": operators work in UTC. */
export function utc(iso) {
  const d = new Date(iso);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${hh}:${mm}Z ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

export function timeWindow(start, end) {
  return `${utc(start)} – ${utc(end)}`;
}

/** Where `nowMs` stands against the window [start, end): what a watch officer asks first. */
export function inForce(start, end, nowMs) {
  if (nowMs < Date.parse(start)) return "not yet in force";
  if (nowMs >= Date.parse(end)) return "over";
  return "in force now";
}

export function band(lower, upper, reference = "WGS84") {
  return `${Math.round(lower)}–${Math.round(upper)} m ${reference}`;
}

/** "in 12 min 05 s", "2 h 10 min", or "passed". */
export function countdown(ms) {
  if (ms <= 0) return "deadline passed";
  const s = Math.floor(ms / 1000);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, "0")} min left`;
  return `${minutes} min ${String(seconds).padStart(2, "0")} s left`;
}

/** A human label for an enum value: "in_consultation" -> "in consultation". */
export function words(value) {
  return String(value).replaceAll("_", " ");
}

/** datetime-local input value (taken as UTC) <-> RFC 3339. */
export function fromLocalInput(value) {
  return value ? `${value}:00Z` : "";
}

export function toLocalInput(iso) {
  return new Date(iso).toISOString().slice(0, 16);
}
