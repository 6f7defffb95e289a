// The side panels: inbox, own operations, zones, warnings, and the warning banner. Each
// list keeps its items' elements across refreshes, so typing and focus are never lost.
import { ApiError } from "./api.js";
import { band, byId, countdown, fill, h, inForce, keyedList, timeWindow, utc, words } from "./dom.js";
import { footprintGeometry } from "./geo.js";
import { FINAL_STATES } from "./features.js";

function badge(kind, value) {
  return h("span", { class: `badge ${kind}-${value}` }, words(value));
}

function problemText(error) {
  if (!(error instanceof ApiError)) return `Could not reach the server: ${error.message}`;
  // A field error that only repeats the problem's detail adds nothing but its pointer.
  const fields = error.fieldErrors.filter(([, detail]) => detail !== error.message).map(([pointer, detail]) => `${pointer}: ${detail}`);
  return [error.message, ...fields].join(" · ");
}

/** An expandable list item: a button heading (keyboard: Tab, Enter) and a body. */
function expandable(id, onToggle) {
  const body = h("div", { class: "item-body", id: `body-${id}`, hidden: true });
  const head = h("button", { type: "button", class: "item-head", "aria-expanded": "false", "aria-controls": `body-${id}` });
  head.addEventListener("click", () => {
    const open = head.getAttribute("aria-expanded") !== "true";
    head.setAttribute("aria-expanded", String(open));
    body.hidden = !open;
    if (open) onToggle?.();
  });
  const li = h("li", { class: "item" }, head, body);
  return { li, head, body };
}

function regionLines(regions) {
  return regions.map((r) => h("li", {}, `${band(r.altitude_lower_m, r.altitude_upper_m, r.altitude_reference)} · ${timeWindow(r.start, r.end)}`));
}

function responseLines(responses) {
  if (responses.length === 0) return [h("li", { class: "muted" }, "no response yet")];
  return responses.map((r) =>
    h(
      "li",
      { class: `response response-${r.kind}` },
      h("strong", {}, words(r.kind)),
      ` ${utc(r.at)}`,
      r.text ? h("q", {}, r.text) : null,
      r.suggested_change ? h("span", { class: "suggestion" }, ` suggests: ${r.suggested_change}`) : null,
    ),
  );
}

// ---- inbox -------------------------------------------------------------------------

function respondForm(ui, item) {
  const error = h("p", { class: "form-error", role: "alert" });
  const text = h("textarea", { name: "text", rows: 2, id: `reason-${item.id}` });
  const suggestion = h("input", { name: "suggested_change", id: `suggest-${item.id}`, autocomplete: "off" });
  const send = async (kind) => {
    error.textContent = "";
    if (kind !== "acknowledge" && !text.value.trim()) {
      error.textContent = kind === "object" ? "An objection needs a reason." : "Write the comment first.";
      text.focus();
      return;
    }
    const body = { kind };
    if (kind !== "acknowledge") body.text = text.value.trim();
    if (kind === "object" && suggestion.value.trim()) body.suggested_change = suggestion.value.trim();
    try {
      await ui.api.post(`/v1/consultations/${item.id}/responses`, body);
      text.value = "";
      suggestion.value = "";
      ui.say(`${words(kind)} sent`);
      await ui.refresh();
    } catch (e) {
      error.textContent = problemText(e);
    }
  };
  const button = (kind, label) => h("button", { type: "button", class: `respond-${kind}`, onclick: () => send(kind) }, label);
  return h(
    "form",
    { class: "respond needs-respond", onsubmit: (e) => e.preventDefault() },
    h("label", { for: text.id }, "Reason or comment (needed to object)"),
    text,
    h("label", { for: suggestion.id }, "Suggested change (objections, optional)"),
    suggestion,
    h("div", { class: "actions" }, button("acknowledge", "Acknowledge"), button("object", "Object"), button("comment", "Comment")),
    error,
  );
}

function createConsultation(ui, item) {
  const { li, head, body } = expandable(`c-${item.id}`, () => ui.showOnMap(item.operation.regions.map((r) => r.footprint)));
  li.classList.add("consultation");
  li.dataset.consultation = item.id;
  head.append(h("span", { class: "status" }), h("span", { class: "title" }), h("span", { class: "countdown" }));
  body.append(
    h("dl", { class: "facts" }),
    h("h4", {}, "Where it meets your data"),
    h("ul", { class: "regions" }),
    h("h4", {}, "Responses"),
    h("ol", { class: "responses" }),
    h("button", { type: "button", class: "link", onclick: () => ui.showOnMap(item.operation.regions.map((r) => r.footprint)) }, "Show on map"),
  );
  if (!item.closed_at) body.append(respondForm(ui, item));
  return li;
}

function updateConsultation(li, item) {
  const seen = item.operation;
  const planner = seen.planner ? `${seen.planner}${seen.planner_is_pseudonym ? " (pseudonym)" : ""}` : "a party";
  fill(li.querySelector(".status"), badge("status", item.status));
  fill(li.querySelector(".title"), `${planner}${seen.purpose ? ` · ${seen.purpose}` : ""}`);
  const clock = li.querySelector(".countdown");
  if (item.status === "pending") clock.dataset.deadline = item.deadline;
  else delete clock.dataset.deadline;
  clock.textContent = item.status !== "pending" && item.closed_at ? `closed ${utc(item.closed_at)}` : "";
  fill(
    li.querySelector(".facts"),
    h("dt", {}, "Version"), h("dd", {}, String(item.operation_version)),
    h("dt", {}, "Deadline"), h("dd", {}, utc(item.deadline)),
    h("dt", {}, "Silence means"), h("dd", {}, words(item.silence)),
  );
  fill(li.querySelector(".regions"), regionLines(seen.regions));
  fill(li.querySelector(".responses"), responseLines(item.responses));
  if (item.closed_at) li.querySelector("form.respond")?.remove();
}

export function renderInbox(ui) {
  const items = ui.state.consultations;
  const waiting = items.filter((c) => c.status === "pending").sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline));
  const done = items.filter((c) => c.status !== "pending").sort((a, b) => Date.parse(b.opened_at) - Date.parse(a.opened_at));
  const create = (item) => createConsultation(ui, item);
  keyedList(byId("inbox-waiting"), waiting, (c) => c.id, create, updateConsultation);
  keyedList(byId("inbox-done"), done, (c) => c.id, create, updateConsultation);
  byId("inbox-empty").hidden = waiting.length > 0;
  byId("inbox-count").textContent = waiting.length ? String(waiting.length) : "";
  const notices = ui.state.notices;
  keyedList(
    byId("notices"),
    [...notices].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)),
    (n) => n.id,
    (n) => {
      const { li, head, body } = expandable(`n-${n.id}`, () => ui.showOnMap(n.operation.regions.map((r) => r.footprint)));
      head.append(h("span", { class: "title" }));
      body.append(h("ul", { class: "regions" }));
      li.classList.add("notice");
      return li;
    },
    (li, n) => {
      const seen = n.operation;
      fill(li.querySelector(".title"), `${words(n.reason)} · ${seen.planner ?? "a party"}${seen.purpose ? ` · ${seen.purpose}` : ""} · v${n.operation_version} · ${utc(n.at)}`);
      fill(li.querySelector(".regions"), regionLines(seen.regions));
    },
  );
}

/** Deadlines count down every second by the server's clock (see Api.now). */
export function tickCountdowns(now) {
  for (const el of document.querySelectorAll("[data-deadline]")) {
    el.textContent = countdown(Date.parse(el.dataset.deadline) - now);
    el.classList.toggle("urgent", Date.parse(el.dataset.deadline) - now < 5 * 60 * 1000);
  }
}

// ---- operations ------------------------------------------------------------------------

const ACTION_PATHS = {
  submit: "submit",
  withdraw: "withdraw",
  cancel: "cancel",
  activate: "activate",
  complete: "complete",
};

function operationActions(ui, op, error) {
  const act = async (path, body, ifMatch) => {
    error.textContent = "";
    try {
      await ui.api.post(`/v1/operations/${op.id}/${path}`, body, ifMatch);
      ui.say(`operation ${path} done`);
      await ui.refresh();
    } catch (e) {
      error.textContent = problemText(e);
    }
  };
  const buttons = [];
  const allowed = op.allowed_actions ?? [];
  if (allowed.includes("revise")) buttons.push(h("button", { type: "button", class: "revise", onclick: () => ui.startRevision(op) }, "Revise"));
  for (const action of allowed) {
    if (ACTION_PATHS[action]) buttons.push(h("button", { type: "button", class: `action-${action}`, onclick: () => act(ACTION_PATHS[action]) }, words(action)));
  }
  const parts = [h("div", { class: "actions needs-plan" }, buttons)];
  if (allowed.includes("clear_over_objection")) {
    const why = h("textarea", { rows: 2, id: `justify-${op.id}` });
    parts.push(
      h(
        "div",
        { class: "override needs-plan" },
        h("label", { for: why.id }, "Justification to clear over the objection (sent to the objectors)"),
        why,
        h("button", { type: "button", class: "action-clear_over_objection", onclick: () => act("clear-over-objection", { justification: why.value }, `"${op.ovn}"`) }, "Clear over objection"),
      ),
    );
  }
  return parts;
}

function createOperation(ui, op) {
  const { li, head, body } = expandable(`o-${op.id}`, () => ui.showOperation(op.id));
  li.classList.add("operation");
  li.dataset.operation = op.id;
  head.append(h("span", { class: "status" }), h("span", { class: "title" }), h("span", { class: "meta" }));
  body.append(h("div", { class: "op-content" }), h("div", { class: "op-actions" }), h("p", { class: "form-error", role: "alert" }));
  return li;
}

function updateOperation(ui, li, op) {
  fill(li.querySelector(".status"), badge("state", op.state));
  fill(li.querySelector(".title"), `v${op.version} · ${op.purpose || "no purpose given"}`);
  const conflicts = op.conflicts ?? [];
  fill(li.querySelector(".meta"), conflicts.length ? `${conflicts.length} conflict${conflicts.length > 1 ? "s" : ""}` : "");
  const content = [
    h("h4", {}, "Volumes"),
    h("ul", {}, op.volumes.map((v) => h("li", {}, `${v.footprint.type === "Circle" ? `circle ${Math.round(v.footprint.radius_m)} m` : "polygon"} · ${band(v.altitude_lower_m, v.altitude_upper_m, v.altitude_reference)} · ${timeWindow(v.start, v.end)}`))),
  ];
  if (conflicts.length) {
    content.push(h("h4", {}, "Conflicts"), h("ul", {}, conflicts.map((c) => h("li", {}, `${words(c.kind)}${c.target_id ? ` ${c.target_id} (yours)` : " of another party"}: ${c.regions.length} region${c.regions.length > 1 ? "s" : ""}`))));
  }
  const consultations = op.consultations ?? [];
  if (consultations.length) {
    content.push(
      h("h4", {}, "Consulted"),
      h(
        "ul",
        { class: "consulted" },
        consultations.map((c) =>
          h(
            "li",
            {},
            h("div", {}, badge("status", c.status), ` ${c.party ?? "a party"}${c.party_is_pseudonym ? " (pseudonym)" : ""} · `, h("span", { class: "countdown", dataset: c.status === "pending" ? { deadline: c.deadline } : {} }, c.status === "pending" ? "" : utc(c.deadline))),
            h("ol", { class: "responses" }, responseLines(c.responses)),
          ),
        ),
      ),
    );
  }
  if (op.notified) content.push(h("p", { class: "muted" }, `${op.notified} part${op.notified > 1 ? "ies" : "y"} notified`));
  if (op.override) content.push(h("p", {}, `Cleared over objection: “${op.override.justification}”`));
  fill(li.querySelector(".op-content"), content);
  // Rebuilt only when the version or state moves, so a half-typed justification survives polls.
  const actions = li.querySelector(".op-actions");
  const stamp = `${op.ovn}:${op.state}`;
  if (actions.dataset.stamp !== stamp) {
    actions.dataset.stamp = stamp;
    fill(actions, h("button", { type: "button", class: "link", onclick: () => ui.showOperation(op.id) }, "Show on map"), operationActions(ui, op, li.querySelector(".form-error")));
  }
}

export function renderOperations(ui) {
  const ops = [...ui.state.operations].sort((a, b) => Date.parse(b.version_created_at) - Date.parse(a.version_created_at));
  const current = ops.filter((o) => !FINAL_STATES.has(o.state));
  const past = ops.filter((o) => FINAL_STATES.has(o.state));
  const create = (op) => createOperation(ui, op);
  const update = (li, op) => updateOperation(ui, li, op);
  keyedList(byId("operations-current"), current, (o) => o.id, create, update);
  keyedList(byId("operations-past"), past, (o) => o.id, create, update);
  byId("operations-empty").hidden = current.length > 0;
  byId("operations-past-count").textContent = String(past.length);
}

// ---- zones ---------------------------------------------------------------------------

export function renderZones(ui) {
  const zones = ui.state.zones.filter((z) => !z.retired_at);
  keyedList(
    byId("zones-list"),
    zones,
    (z) => z.id,
    (z) => {
      const { li, head, body } = expandable(`z-${z.id}`, () => ui.showOnMap(z.volumes.map((v) => footprintGeometry(v.footprint))));
      li.classList.add("zone");
      head.append(h("span", { class: "title" }), h("span", { class: "meta" }));
      const error = h("p", { class: "form-error", role: "alert" });
      body.append(
        h("ul", { class: "volumes" }),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "button", class: "link", onclick: () => ui.showOnMap(z.volumes.map((v) => footprintGeometry(v.footprint))) }, "Show on map"),
          h("button", {
            type: "button",
            class: "needs-plan retire",
            onclick: async () => {
              try {
                await ui.api.delete(`/v1/zones/${z.id}`);
                await ui.refresh();
              } catch (e) {
                error.textContent = problemText(e);
              }
            },
          }, "Retire"),
        ),
        error,
      );
      return li;
    },
    (li, z) => {
      fill(li.querySelector(".title"), `${z.name} · v${z.version}`);
      fill(li.querySelector(".meta"), `buffer ${Math.round(z.buffer.horizontal_m)} m / ${Math.round(z.buffer.vertical_m)} m · ${words(z.validity)}`);
      fill(li.querySelector(".volumes"), z.volumes.map((v) => h("li", {}, `${band(v.altitude_lower_m, v.altitude_upper_m, v.altitude_reference)} · ${timeWindow(v.start, v.end)}`)));
    },
  );
  byId("zones-empty").hidden = zones.length > 0;
}

// ---- warnings ------------------------------------------------------------------------

async function acknowledge(ui, warning, error) {
  error.textContent = "";
  try {
    await ui.api.post(`/v1/warnings/${warning.id}/acknowledge`);
    ui.say("warning acknowledged");
    await ui.refresh();
  } catch (e) {
    error.textContent = problemText(e);
  }
}

export function renderBanner(ui) {
  const open = ui.state.received.filter((w) => !w.acknowledged_at);
  const banner = byId("warning-banner");
  banner.hidden = open.length === 0;
  keyedList(
    byId("banner-list"),
    open,
    (w) => w.id,
    (w) => {
      const error = h("span", { class: "form-error", role: "alert" });
      return h(
        "li",
        { class: `banner-item severity-${w.severity}`, "data-warning": w.id },
        h("span", { class: "text" }),
        h("button", { type: "button", class: "link", onclick: () => ui.showOnMap([footprintGeometry(w.volume.footprint)]) }, "Show on map"),
        h("button", { type: "button", class: "acknowledge needs-warn", onclick: () => acknowledge(ui, w, error) }, "Acknowledge"),
        h("span", { class: "only-without-warn muted" }, "a liaison member must acknowledge"),
        error,
      );
    },
    (li, w) => {
      fill(
        li.querySelector(".text"),
        h("strong", {}, `${w.severity.toUpperCase()} warning`),
        ` from ${w.raiser}${w.raiser_is_pseudonym ? " (pseudonym)" : ""}: `,
        w.message,
        ` · ${band(w.volume.altitude_lower_m, w.volume.altitude_upper_m)} · ${timeWindow(w.volume.start, w.volume.end)} (${inForce(w.volume.start, w.volume.end, ui.api.now())})`,
        ` · raised ${utc(w.raised_at)}`,
        w.sends > 1 ? h("strong", { class: "resent" }, ` · sent ${w.sends} times, awaiting your acknowledgement`) : "",
      );
    },
  );
}

/** "in force now · 20:00Z 7 Dec – 23:00Z 7 Dec · 0–2000 m WGS84": when and where it holds. */
function warningWindow(w, now) {
  const v = w.volume;
  const state = inForce(v.start, v.end, now);
  return [h(state === "in force now" ? "strong" : "span", { class: "in-force" }, state), ` · ${timeWindow(v.start, v.end)} · ${band(v.altitude_lower_m, v.altitude_upper_m, v.altitude_reference)}`];
}

export function renderWarnings(ui) {
  const now = ui.api.now();
  keyedList(
    byId("warnings-received"),
    [...ui.state.received],
    (w) => w.id,
    () => h("li", { class: "item warning" }, h("span", { class: "text" })),
    (li, w) => fill(
      li.querySelector(".text"),
      badge("severity", w.severity),
      ` ${w.raiser}: ${w.message} · `,
      warningWindow(w, now),
      " · ",
      w.acknowledged_at ? `acknowledged ${utc(w.acknowledged_at)}` : h("strong", {}, "not acknowledged"),
    ),
  );
  keyedList(
    byId("warnings-raised"),
    [...ui.state.raised],
    (w) => w.id,
    () => h("li", { class: "item warning" }, h("span", { class: "text" }), h("ul", { class: "alerts" })),
    (li, w) => {
      fill(li.querySelector(".text"), badge("severity", w.severity), ` ${w.message} · `, warningWindow(w, now), ` · raised ${utc(w.raised_at)}`);
      fill(
        li.querySelector(".alerts"),
        w.alerts.length === 0
          ? [h("li", { class: "muted" }, "nobody alerted")]
          : w.alerts.map((a) => h("li", {}, `${a.party}: ${a.acknowledged_at ? `acknowledged ${utc(a.acknowledged_at)}` : "not acknowledged yet"}`)),
      );
    },
  );
  byId("warnings-received-empty").hidden = ui.state.received.length > 0;
  byId("warnings-raised-empty").hidden = ui.state.raised.length > 0;
}

export { problemText };
