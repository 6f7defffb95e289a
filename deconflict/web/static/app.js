// The console's entry point: sign-in, loading what the API shows, and wiring the panels,
// the map and live updates together. It decides nothing the service decides.
import { Api, ApiError, keyStore } from "./api.js";
import { band, byId, fill, h, timeWindow, utc, words } from "./dom.js";
import { Drawing } from "./draw.js";
import { FINAL_STATES, mapFeatures } from "./features.js";
import { bounds, footprintGeometry } from "./geo.js";
import { LiveUpdates } from "./live.js";
import { COLOURS, ConsoleMap, STATE_STYLES, WAITING_LINE_WIDTH } from "./map.js";
import { renderBanner, renderInbox, renderOperations, renderWarnings, renderZones, tickCountdowns } from "./panels.js";

// Tests shorten the poll; operators get a modest one (the event stream makes it rare).
const POLL_MS = Number(globalThis.DECONFLICT_POLL_MS) || 5000;
const HOUR_MS = 3600 * 1000;
const STEP_MS = 15 * 60 * 1000;

const emptyState = () => ({ me: null, zones: [], operations: [], consultations: [], notices: [], received: [], raised: [] });

const ui = {
  api: null,
  state: emptyState(),
  consoleMap: null,
  drawing: null,
  live: null,
  loaded: false,
  /** A short note for the operator ("objection sent"), read out by screen readers. */
  say(text) {
    const note = byId("note");
    note.textContent = text;
    clearTimeout(ui.noteTimer);
    ui.noteTimer = setTimeout(() => { note.textContent = ""; }, 8000);
  },
  refresh: () => refresh(),
  showOnMap(geometries) {
    const box = bounds(geometries);
    ui.consoleMap.fit(box);
    ui.consoleMap.setData("selected", geometries.map((g) => ({ type: "Feature", geometry: g, properties: {} })));
  },
  showOperation(id) {
    const op = ui.state.operations.find((o) => o.id === id);
    if (!op) return;
    const geometries = op.volumes.map((v) => footprintGeometry(v.footprint));
    for (const c of op.conflicts ?? []) for (const r of c.regions) geometries.push(r.footprint);
    ui.showOnMap(geometries);
  },
  startRevision(op) {
    selectTab("draw");
    ui.drawing.startRevision(op);
    byId("draw-title").focus();
  },
};

// ---- loading ----------------------------------------------------------------------------

async function load() {
  const api = ui.api;
  const [zones, summaries, consultations, notices, received, raised] = await Promise.all([
    api.all("/v1/zones?limit=200"),
    api.all("/v1/operations?limit=200"),
    api.all("/v1/consultations?limit=200"),
    api.all("/v1/notices?limit=200"),
    api.all("/v1/warnings?scope=received&limit=200"),
    api.all("/v1/warnings?scope=raised&limit=200"),
  ]);
  // The list gives no conflicts or consultations: read each current operation in full.
  const current = summaries.filter((o) => !FINAL_STATES.has(o.state)).slice(0, 100);
  const full = await Promise.all(current.map((o) => api.get(`/v1/operations/${o.id}`)));
  const byIdFull = new Map(full.map((o) => [o.id, o]));
  const operations = summaries.map((o) => byIdFull.get(o.id) ?? o);
  if (api !== ui.api) return false; // signed out meanwhile
  Object.assign(ui.state, { zones, operations, consultations, notices, received, raised });
  return true;
}

let refreshing = null;
let again = false;

/** Fetch and draw everything; calls during a refresh coalesce into one more. */
function refresh() {
  if (!ui.api) return Promise.resolve();
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      try {
        if (await load()) render();
        markReachable(true);
      } catch (e) {
        if (!(e instanceof ApiError)) markReachable(false);
        else if (e.status !== 401) ui.say(`could not refresh: ${e.message}`);
      }
    } while (again && ui.api);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

let unreachableSince = null;

/** Says, until the server answers again, that what the page shows may be out of date. */
function markReachable(reachable) {
  const stale = byId("stale");
  if (reachable || !ui.api) {
    unreachableSince = null;
    stale.hidden = true;
    return;
  }
  unreachableSince ??= new Date().toISOString();
  const text = `Cannot reach the server since ${utc(unreachableSince)}: what you see may be out of date (retrying).`;
  // Set once: an alert whose text is set again at every failed poll is read out again.
  if (stale.textContent !== text) stale.textContent = text;
  stale.hidden = false;
}

let pending = null;
function refreshSoon() {
  clearTimeout(pending);
  pending = setTimeout(refresh, 150);
}

// ---- rendering --------------------------------------------------------------------------

function render() {
  renderBanner(ui);
  renderInbox(ui);
  renderOperations(ui);
  renderZones(ui);
  renderWarnings(ui);
  const features = mapFeatures(ui.state);
  for (const [source, list] of Object.entries(features)) ui.consoleMap.setData(source, list);
  const all = Object.values(features).flat();
  const mapEl = byId("map");
  mapEl.dataset.conflicts = String(features.conflicts.length);
  mapEl.dataset.operations = String(features.operations.length);
  mapEl.dataset.zones = String(features.zones.length);
  mapEl.dataset.warnings = String(features.warnings.length);
  updateTimeRange(all);
  if (!ui.loaded) ui.consoleMap.fit(bounds(all.map((f) => f.geometry)), { once: true });
  ui.loaded = true;
  document.body.dataset.loaded = "yes";
  tickCountdowns(ui.api.now());
}

// ---- time slider ------------------------------------------------------------------------

let timeOrigin = 0;

function updateTimeRange(features) {
  const starts = features.map((f) => f.properties.start_ms).filter(Number.isFinite);
  const ends = features.map((f) => f.properties.end_ms).filter(Number.isFinite);
  const now = ui.api.now();
  const from = Math.floor(Math.min(now, ...starts) / HOUR_MS) * HOUR_MS;
  // A week at most: standing zones run far ahead and would make the slider coarse.
  const to = Math.min(Math.max(now + 24 * HOUR_MS, ...ends), from + 7 * 24 * HOUR_MS);
  const slider = byId("time-slider");
  const chosen = timeOrigin + Number(slider.value) * STEP_MS;
  timeOrigin = from;
  slider.max = String(Math.max(1, Math.ceil((to - from) / STEP_MS)));
  if (!byId("time-filter").checked) slider.value = String(Math.round((now - from) / STEP_MS));
  else slider.value = String(Math.round((chosen - from) / STEP_MS));
  applyTime();
}

function applyTime() {
  const on = byId("time-filter").checked;
  byId("time-slider").disabled = !on;
  byId("time-span").disabled = !on;
  if (!on) {
    ui.consoleMap.setTimeWindow(null);
    byId("time-label").textContent = "all times";
    return;
  }
  const start = timeOrigin + Number(byId("time-slider").value) * STEP_MS;
  const end = start + Number(byId("time-span").value) * HOUR_MS;
  ui.consoleMap.setTimeWindow([start, end]);
  const text = `${utc(new Date(start).toISOString())} – ${utc(new Date(end).toISOString())}`;
  byId("time-label").textContent = text;
  byId("time-slider").setAttribute("aria-valuetext", text);
}

// ---- legend and details -----------------------------------------------------------------

function swatch({ fillColour, line, dash, pattern, width = 2.5 }) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 28 18");
  svg.setAttribute("width", "28");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  const id = `p${Math.random().toString(36).slice(2)}`;
  if (pattern) {
    const defs = document.createElementNS(ns, "defs");
    const p = document.createElementNS(ns, "pattern");
    p.setAttribute("id", id);
    p.setAttribute("patternUnits", "userSpaceOnUse");
    p.setAttribute("width", "6");
    p.setAttribute("height", "6");
    const mark = document.createElementNS(ns, pattern === "dots" ? "circle" : "path");
    if (pattern === "dots") {
      mark.setAttribute("cx", "3");
      mark.setAttribute("cy", "3");
      mark.setAttribute("r", "1.2");
      mark.setAttribute("fill", "#000");
    } else {
      mark.setAttribute("d", pattern === "cross" ? "M0,6 L6,0 M0,0 L6,6" : "M0,6 L6,0");
      mark.setAttribute("stroke", line);
      mark.setAttribute("stroke-width", "1.2");
    }
    p.append(mark);
    defs.append(p);
    svg.append(defs);
  }
  const rect = document.createElementNS(ns, "rect");
  for (const [k, v] of Object.entries({ x: 2, y: 2, width: 24, height: 14, fill: fillColour, stroke: line, "stroke-width": width })) rect.setAttribute(k, v);
  if (dash) rect.setAttribute("stroke-dasharray", dash.map((d) => d * 2.5).join(" "));
  svg.append(rect);
  if (pattern) {
    const over = rect.cloneNode();
    over.setAttribute("fill", `url(#${id})`);
    svg.append(over);
  }
  return svg;
}

function buildLegend() {
  const toggle = (group, label, swatchSpec) => {
    const box = h("input", { type: "checkbox", checked: true, "data-group": group });
    box.addEventListener("change", () => ui.consoleMap.setVisible(group, box.checked));
    return h("li", {}, h("label", {}, box, swatch(swatchSpec), ` ${label}`));
  };
  const item = (label, swatchSpec) => h("li", { class: "sub" }, swatch(swatchSpec), ` ${label}`);
  fill(
    byId("legend-list"),
    toggle("zones", "Your zones", { fillColour: "rgba(0,114,178,0.3)", line: COLOURS.zone }),
    toggle("buffers", "Zone buffers", { fillColour: "rgba(86,180,233,0.15)", line: COLOURS.zone, dash: [2, 2] }),
    toggle("operations", "Your operations, by state:", { fillColour: "white", line: COLOURS.draft }),
    STATE_STYLES.map((s) => item(s.label, { fillColour: "white", line: s.colour, dash: s.dash, pattern: s.key === "objected" ? "hatch" : s.key === "override" ? "cross" : null })),
    toggle("conflicts", "Overlaps with other parties", { fillColour: COLOURS.conflict, line: COLOURS.ink, pattern: "cross" }),
    item("waiting for your answer, heavy outline", { fillColour: COLOURS.conflict, line: COLOURS.ink, pattern: "cross", width: WAITING_LINE_WIDTH }),
    item("in an authority's area (told only)", { fillColour: "white", line: COLOURS.ink, dash: [0.4, 1.2] }),
    toggle("warnings", "Warnings", { fillColour: "white", line: COLOURS.ink, dash: [5, 1.5, 1, 1.5], pattern: "dots" }),
  );
}

function describe(ref) {
  const [kind, id, a, b] = ref.split(":");
  const s = ui.state;
  if (kind === "zone") {
    const z = s.zones.find((x) => x.id === id);
    if (!z) return null;
    const v = z.volumes[Number(a)];
    return h("section", {}, h("h3", {}, `Zone “${z.name}” (yours)`), h("p", {}, `${band(v.altitude_lower_m, v.altitude_upper_m, v.altitude_reference)} · ${timeWindow(v.start, v.end)}`), h("p", {}, `Buffer ${Math.round(z.buffer.horizontal_m)} m horizontal, ${Math.round(z.buffer.vertical_m)} m vertical · version ${z.version}`));
  }
  if (kind === "operation") {
    const op = s.operations.find((x) => x.id === id);
    if (!op) return null;
    const v = op.volumes[Number(a)];
    const section = h("section", {}, h("h3", {}, `Operation v${op.version}: ${words(op.state)}`), h("p", {}, op.purpose || "no purpose given"), h("p", {}, `${band(v.altitude_lower_m, v.altitude_upper_m, v.altitude_reference)} · ${timeWindow(v.start, v.end)}`));
    if ((op.allowed_actions ?? []).includes("revise")) section.append(h("button", { type: "button", class: "revise needs-plan", onclick: () => ui.startRevision(op) }, "Revise this operation"));
    return section;
  }
  if (kind === "conflict") {
    const op = s.operations.find((x) => x.id === id);
    const c = op?.conflicts?.[Number(a)];
    const r = c?.regions[Number(b)];
    if (!r) return null;
    return h("section", {}, h("h3", {}, `Conflict: your operation v${op.version} meets ${c.target_id ? "your" : "another party's"} ${words(c.kind)}`), h("p", {}, `${band(r.altitude_lower_m, r.altitude_upper_m, r.altitude_reference)} · ${timeWindow(r.start, r.end)}`));
  }
  if (kind === "consultation" || kind === "notice") {
    const item = (kind === "consultation" ? s.consultations : s.notices).find((x) => x.id === id);
    const r = item?.operation.regions[Number(a)];
    if (!r) return null;
    const who = item.operation.planner ?? "another party";
    const what = kind === "consultation" ? `consultation, ${words(item.status)}` : `notice (${words(item.reason)})`;
    const section = h("section", {}, h("h3", {}, `Overlap with ${who}'s operation`), h("p", {}, what), item.operation.purpose ? h("p", {}, `Purpose: ${item.operation.purpose}`) : null, h("p", {}, `${band(r.altitude_lower_m, r.altitude_upper_m, r.altitude_reference)} · ${timeWindow(r.start, r.end)}`));
    if (kind === "consultation") {
      section.append(h("button", { type: "button", onclick: () => openInbox(id) }, "Open in the inbox"));
    }
    return section;
  }
  if (kind === "received" || kind === "raised") {
    const w = (kind === "received" ? s.received : s.raised).find((x) => x.id === id);
    if (!w) return null;
    const from = kind === "received" ? `from ${w.raiser}` : "raised by your party";
    const status = kind === "received" ? (w.acknowledged_at ? `acknowledged ${utc(w.acknowledged_at)}` : "not acknowledged") : `${w.alerts.length} alerted`;
    return h("section", {}, h("h3", {}, `${words(w.severity)} warning ${from}`), h("p", {}, w.message), h("p", {}, `${band(w.volume.altitude_lower_m, w.volume.altitude_upper_m)} · ${timeWindow(w.volume.start, w.volume.end)} · ${status}`));
  }
  return null;
}

function showDetails(features) {
  const refs = [...new Set(features.map((f) => f.properties.ref))];
  const sections = refs.map(describe).filter(Boolean);
  const card = byId("details");
  if (sections.length === 0) {
    card.hidden = true;
    return;
  }
  fill(byId("details-body"), sections);
  card.hidden = false;
}

function openInbox(consultationId) {
  selectTab("inbox");
  const li = document.querySelector(`li[data-consultation="${CSS.escape(consultationId)}"]`);
  if (!li) return;
  li.closest("details")?.setAttribute("open", "");
  const head = li.querySelector(".item-head");
  if (head.getAttribute("aria-expanded") !== "true") head.click();
  head.focus();
}

// ---- tabs ------------------------------------------------------------------------------

function selectTab(name) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(selected));
    byId(tab.getAttribute("aria-controls")).hidden = !selected;
  }
}

// ---- sign-in ---------------------------------------------------------------------------

function setSignedIn(me) {
  const signedIn = Boolean(me);
  byId("signin").hidden = signedIn;
  byId("side").hidden = !signedIn;
  byId("who").hidden = !signedIn;
  byId("sign-out").hidden = !signedIn;
  byId("refresh").hidden = !signedIn;
  for (const name of [...document.body.classList]) if (name.startsWith("can-")) document.body.classList.remove(name);
  if (!signedIn) return;
  byId("who-party").textContent = me.party.name + (me.party.is_airspace_authority ? " (airspace authority)" : "");
  byId("who-member").textContent = me.member.name;
  byId("who-role").textContent = me.member.role;
  // Only to hide controls the member could not use; the API still decides and refuses.
  for (const action of me.allowed_actions ?? []) document.body.classList.add(`can-${action}`);
  // Start on the draw form a role can use.
  ui.drawing.choose(document.body.classList.contains("can-plan_operations") ? "operation" : "warning");
}

async function signIn(key) {
  const api = new Api(key, { onUnauthorized: () => signOut("The server refused this key: sign in again.") });
  const me = await api.get("/v1/me");
  keyStore.set(key);
  ui.api = api;
  ui.state = emptyState();
  ui.state.me = me;
  ui.loaded = false;
  setSignedIn(me);
  ui.drawing.defaultTimes();
  ui.live = new LiveUpdates(api, {
    onChange: refreshSoon,
    onStatus: (text, live) => {
      const el = byId("live");
      el.textContent = text;
      el.dataset.mode = live ? "stream" : "poll";
    },
    pollMs: POLL_MS,
  });
  await refresh();
  ui.live.start();
}

function signOut(message = "") {
  ui.live?.stop();
  ui.live = null;
  keyStore.clear();
  ui.api = null;
  ui.state = emptyState();
  ui.loaded = false;
  setSignedIn(null);
  // The next member at this desk may be of another party: nothing typed, drawn or being
  // revised by this one may stay in the form (an operation's whole shape and purpose).
  ui.drawing.reset();
  byId("draw-form").reset();
  ui.drawing.kindChanged();
  selectTab("inbox");
  byId("note").textContent = "";
  for (const list of document.querySelectorAll("ul.items, #banner-list")) list.replaceChildren();
  byId("warning-banner").hidden = true;
  markReachable(true);
  byId("details").hidden = true;
  for (const source of ["zones", "buffers", "operations", "conflicts", "warnings", "draft", "selected"]) ui.consoleMap.setData(source, []);
  byId("live").textContent = "";
  delete document.body.dataset.loaded;
  byId("signin-error").textContent = message;
  byId("api-key").focus();
}

// ---- start -----------------------------------------------------------------------------

async function main() {
  ui.consoleMap = new ConsoleMap(byId("map"));
  // Exposed so tests (and curious operators, from the devtools) can query what is drawn.
  globalThis.deconflictConsole = { map: ui.consoleMap.map, ui, refresh };
  await ui.consoleMap.ready;
  byId("map").dataset.ready = "yes";
  ui.drawing = new Drawing(ui);
  buildLegend();
  // On a phone the open legend would cover most of the map: start it folded (one tap opens it).
  if (globalThis.matchMedia("(max-width: 600px)").matches) byId("legend").open = false;
  // Labels keep clear of the legend: folding or unfolding it frees or covers some.
  byId("legend").addEventListener("toggle", () => ui.consoleMap.labels.place());

  for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => selectTab(tab.id.slice(4)));
  byId("new-operation").addEventListener("click", () => { ui.drawing.reset(); ui.drawing.choose("operation"); selectTab("draw"); byId("draw-start").focus(); });
  byId("new-zone").addEventListener("click", () => { ui.drawing.reset(); ui.drawing.choose("zone"); selectTab("draw"); byId("draw-start").focus(); });
  byId("new-warning").addEventListener("click", () => { ui.drawing.reset(); ui.drawing.choose("warning"); selectTab("draw"); byId("draw-start").focus(); });
  byId("details-close").addEventListener("click", () => { byId("details").hidden = true; });
  byId("time-filter").addEventListener("change", applyTime);
  byId("time-slider").addEventListener("input", applyTime);
  byId("time-span").addEventListener("change", applyTime);
  byId("refresh").addEventListener("click", () => refresh());
  byId("sign-out").addEventListener("click", () => signOut());
  byId("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = byId("api-key");
    // A key copied from an Authorization header or the README's curl lines comes with its scheme.
    const key = input.value.trim().replace(/^Bearer\s+/i, "");
    byId("signin-error").textContent = "";
    try {
      await signIn(key);
      input.value = "";
      // The form is hidden now: without this, keyboard focus falls back to the page body.
      document.querySelector("[role=tab][aria-selected=true]")?.focus();
    } catch (e) {
      byId("signin-error").textContent = e instanceof ApiError && e.status === 401 ? "That key was not accepted." : `Could not sign in: ${e.message}`;
    }
  });
  ui.consoleMap.map.on("click", (e) => {
    if (ui.drawing.active) ui.drawing.click(e.lngLat);
    else showDetails(ui.consoleMap.pick(e.point));
  });
  setInterval(() => ui.api && tickCountdowns(ui.api.now()), 1000);

  const stored = keyStore.get();
  if (stored) {
    try {
      await signIn(stored);
    } catch {
      signOut("Sign in again.");
    }
  } else {
    byId("api-key").focus();
  }
  document.body.dataset.booted = "yes";
}

main();
