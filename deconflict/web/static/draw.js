// Drawing on the map and the form around it: a zone, an operation or a warning as a
// polygon (click the vertices) or a circle (click the centre, then the rim or type the
// radius), with its altitude band and time window; also revising an operation (If-Match).
import { byId, fill, fromLocalInput, h, toLocalInput, words } from "./dom.js";
import { circleRing, distance_m, footprintGeometry } from "./geo.js";
import { problemText } from "./panels.js";

const FIELD_OF_POINTER = {
  altitude_lower_m: "alt-lower",
  altitude_upper_m: "alt-upper",
  start: "time-start",
  end: "time-end",
  footprint: "draw-status",
  coordinates: "draw-status",
  radius_m: "draw-radius",
  center: "draw-status",
  name: "zone-name",
  horizontal_m: "zone-buffer-h",
  vertical_m: "zone-buffer-v",
  purpose: "op-purpose",
  priority: "op-priority",
  message: "warn-message",
  severity: "warn-severity",
  volumes: "draw-status",
};

export class Drawing {
  constructor(ui) {
    this.ui = ui;
    this.form = byId("draw-form");
    this.active = false; // clicks on the map add to the shape
    this.vertices = [];
    this.center = null;
    this.revising = null; // the operation being revised
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    byId("draw-start").addEventListener("click", () => this.begin());
    byId("draw-finish").addEventListener("click", () => this.finish());
    byId("draw-clear").addEventListener("click", () => this.clearShape());
    byId("draw-cancel").addEventListener("click", () => this.reset());
    byId("draw-radius").addEventListener("input", () => {
      // A typed radius completes a circle whose centre is set: later clicks are for the map.
      if (this.shape === "circle" && this.center) this.stopDrawing();
      this.preview();
    });
    for (const radio of this.form.querySelectorAll("input[name=kind], input[name=shape]")) {
      radio.addEventListener("change", () => this.kindChanged());
    }
    this.defaultTimes();
    this.kindChanged();
  }

  get kind() {
    return this.form.querySelector("input[name=kind]:checked")?.value ?? "operation";
  }

  get shape() {
    return this.form.querySelector("input[name=shape]:checked")?.value ?? "polygon";
  }

  defaultTimes() {
    // The next whole hour for two hours: a sensible start the operator then adjusts.
    const start = new Date(this.ui.api ? this.ui.api.now() : Date.now());
    start.setUTCMinutes(0, 0, 0);
    start.setUTCHours(start.getUTCHours() + 1);
    byId("time-start").value = toLocalInput(start.toISOString());
    byId("time-end").value = toLocalInput(new Date(start.getTime() + 2 * 3600 * 1000).toISOString());
  }

  kindChanged() {
    this.form.dataset.kind = this.kind;
    this.form.dataset.shape = this.shape;
    this.preview();
  }

  /** Choose what to draw, from outside (e.g. "Raise a warning"). */
  choose(kind) {
    const radio = this.form.querySelector(`input[name=kind][value=${kind}]`);
    if (radio) radio.checked = true;
    this.kindChanged();
  }

  begin() {
    this.clearShape();
    this.active = true;
    this.ui.consoleMap.map.getCanvas().style.cursor = "crosshair";
    this.ui.consoleMap.map.doubleClickZoom.disable();
    this.status(this.shape === "circle" ? "Click the centre, then a point on the rim (or type the radius)." : "Click each corner; then Finish shape.");
  }

  stopDrawing() {
    this.active = false;
    this.ui.consoleMap.map.getCanvas().style.cursor = "";
    this.ui.consoleMap.map.doubleClickZoom.enable();
  }

  /** A click on the map while drawing. */
  click(lngLat) {
    const point = [Number(lngLat.lng.toFixed(6)), Number(lngLat.lat.toFixed(6))];
    if (this.shape === "circle") {
      if (!this.center) {
        this.center = point;
        this.status("Centre set: click the rim, or type the radius.");
      } else {
        byId("draw-radius").value = String(Math.round(distance_m(this.center, point)));
        this.stopDrawing();
        this.status("Circle drawn.");
      }
    } else {
      this.vertices.push(point);
      this.status(`${this.vertices.length} corner${this.vertices.length > 1 ? "s" : ""}; Finish shape when done.`);
    }
    this.preview();
  }

  finish() {
    if (this.shape === "polygon" && this.vertices.length < 3) {
      this.status("A polygon needs at least three corners.");
      return;
    }
    this.stopDrawing();
    this.status("Shape drawn.");
    this.preview();
  }

  clearShape() {
    this.vertices = [];
    this.center = null;
    this.stopDrawing();
    this.status("");
    this.preview();
  }

  reset() {
    this.revising = null;
    this.form.dataset.revising = "";
    fill(byId("draw-title"), "Draw");
    fill(byId("draw-result"));
    this.clearShape();
    this.clearErrors();
  }

  status(text) {
    byId("draw-status").textContent = text;
  }

  footprint() {
    if (this.shape === "circle") {
      const radius = Number(byId("draw-radius").value);
      if (!this.center || !(radius > 0)) return null;
      return { type: "Circle", center: this.center, radius_m: radius };
    }
    if (this.vertices.length < 3) return null;
    return { type: "Polygon", coordinates: [[...this.vertices, this.vertices[0]]] };
  }

  preview() {
    const features = [];
    const footprint = this.footprint();
    if (footprint) features.push({ type: "Feature", geometry: footprintGeometry(footprint), properties: {} });
    else if (this.shape === "polygon" && this.vertices.length > 1) {
      features.push({ type: "Feature", geometry: { type: "LineString", coordinates: this.vertices }, properties: {} });
    }
    const radius = Number(byId("draw-radius").value);
    if (this.shape === "circle" && this.center && radius > 0 && !footprint) {
      features.push({ type: "Feature", geometry: { type: "Polygon", coordinates: [circleRing(this.center, radius)] }, properties: {} });
    }
    const points = this.shape === "circle" ? (this.center ? [this.center] : []) : this.vertices;
    for (const p of points) features.push({ type: "Feature", geometry: { type: "Point", coordinates: p }, properties: {} });
    this.ui.consoleMap.setData("draft", features);
  }

  volume(footprint) {
    return {
      footprint,
      altitude_lower_m: Number(byId("alt-lower").value),
      altitude_upper_m: Number(byId("alt-upper").value),
      start: fromLocalInput(byId("time-start").value),
      end: fromLocalInput(byId("time-end").value),
    };
  }

  /** Fill the form with an operation's first volume, to change and send as a new version. */
  startRevision(op) {
    this.reset();
    this.revising = op;
    this.form.dataset.revising = "yes";
    this.choose("operation");
    const v = op.volumes[0];
    const shapeRadio = this.form.querySelector(`input[name=shape][value=${v.footprint.type === "Circle" ? "circle" : "polygon"}]`);
    shapeRadio.checked = true;
    this.kindChanged();
    if (v.footprint.type === "Circle") {
      this.center = v.footprint.center;
      byId("draw-radius").value = String(v.footprint.radius_m);
    } else {
      this.vertices = v.footprint.coordinates[0].slice(0, -1);
    }
    byId("alt-lower").value = String(v.altitude_lower_m);
    byId("alt-upper").value = String(v.altitude_upper_m);
    byId("time-start").value = toLocalInput(v.start);
    byId("time-end").value = toLocalInput(v.end);
    byId("op-purpose").value = op.purpose;
    byId("op-share").checked = op.share_purpose;
    byId("op-priority").value = String(op.priority);
    fill(byId("draw-title"), `Revise operation v${op.version} (${words(op.state)})`);
    this.status("Change the shape (Draw on map), the band or the window, then Send revision.");
    this.preview();
  }

  clearErrors() {
    for (const el of this.form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const el of this.form.querySelectorAll(".field-error")) el.remove();
  }

  showErrors(error) {
    this.clearErrors();
    for (const [pointer, detail] of error.fieldErrors ?? []) {
      const segments = pointer.split("/").filter((s) => s && Number.isNaN(Number(s)));
      const known = FIELD_OF_POINTER[segments.at(-1)] ?? FIELD_OF_POINTER[segments[1]];
      const el = byId(known ?? "draw-status");
      el.setAttribute("aria-invalid", "true");
      // Beside its field the words suffice; the pointer only helps where no field is known.
      const text = known ? detail : `${pointer}: ${detail}`;
      el.insertAdjacentElement("afterend", h("span", { class: "field-error" }, text));
    }
  }

  async submit() {
    const footprint = this.footprint();
    const result = byId("draw-result");
    if (!footprint) {
      this.status("Draw a shape first.");
      byId("draw-start").focus();
      return;
    }
    this.stopDrawing();
    const volume = this.volume(footprint);
    const kind = this.kind;
    try {
      let answer;
      if (this.revising) {
        const op = this.revising;
        const volumes = [volume, ...op.volumes.slice(1)];
        answer = await this.ui.api.put(`/v1/operations/${op.id}`, this.operationBody(volumes), `"${op.ovn}"`);
      } else if (kind === "operation") {
        answer = await this.ui.api.post("/v1/operations", { ...this.operationBody([volume]), draft: byId("op-draft").checked });
      } else if (kind === "zone") {
        answer = await this.ui.api.post("/v1/zones", {
          name: byId("zone-name").value,
          volumes: [volume],
          buffer: { horizontal_m: Number(byId("zone-buffer-h").value), vertical_m: Number(byId("zone-buffer-v").value) },
          validity: byId("zone-validity").value,
        });
      } else {
        answer = await this.ui.api.post("/v1/warnings", { volume, severity: byId("warn-severity").value, message: byId("warn-message").value });
      }
      this.clearErrors();
      this.outcome(kind, answer.body);
      this.revising = null;
      this.form.dataset.revising = "";
      fill(byId("draw-title"), "Draw");
      this.vertices = [];
      this.center = null;
      this.status("");
      this.preview();
      await this.ui.refresh();
      if (answer.body?.conflicts) this.ui.showOperation(answer.body.id);
    } catch (e) {
      if (e.status === 412) {
        fill(result, h("p", { class: "form-error", role: "alert" }, "Someone changed this operation meanwhile: it was reloaded; check it and revise again."));
        await this.ui.refresh();
        return;
      }
      fill(result, h("p", { class: "form-error", role: "alert" }, problemText(e)));
      if (e.fieldErrors) this.showErrors(e);
    }
  }

  operationBody(volumes) {
    return {
      volumes,
      purpose: byId("op-purpose").value,
      share_purpose: byId("op-share").checked,
      priority: Number(byId("op-priority").value || 0),
    };
  }

  outcome(kind, body) {
    const result = byId("draw-result");
    if (kind === "zone") {
      fill(result, h("p", { role: "status" }, `Zone “${body.name}” protected (version ${body.version}).`));
    } else if (body.view === "raiser") {
      fill(result, h("p", { role: "status" }, `Warning raised: ${body.alerts.length} part${body.alerts.length === 1 ? "y" : "ies"} alerted.`));
    } else {
      const conflicts = body.conflicts ?? [];
      fill(
        result,
        h("p", { role: "status", class: "submitted" }, `Operation v${body.version} is ${words(body.state)}; it met ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"}.`),
        conflicts.length ? h("ul", {}, conflicts.map((c) => h("li", {}, `${words(c.kind)}${c.target_id ? " of yours" : " of another party"}: ${c.regions.length} overlap region${c.regions.length === 1 ? "" : "s"} (shown on the map)`))) : null,
      );
    }
  }
}
