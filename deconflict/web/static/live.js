// Live updates: the /v1/events stream read with fetch (the key goes in a header, never a
// URL), and polling whenever the stream is missing or down. Events carry no logic here:
// any event just tells the page to fetch again what it shows.

const MAX_BACKOFF_MS = 30000;

/** Splits a byte stream into Server-Sent Events (the WHATWG event-stream format). */
export class EventStreamParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = "";
    this.reset();
    this.lastEventId = null;
  }

  reset() {
    this.type = "";
    this.data = [];
    this.id = null;
  }

  push(text) {
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    // The last piece may be a line still arriving.
    this.buffer = lines.pop();
    for (const line of lines) this.line(line);
  }

  line(line) {
    if (line === "") {
      this.dispatch();
      return;
    }
    if (line.startsWith(":")) return; // a comment, e.g. ": keep-alive"
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.type = value;
    else if (field === "id" && !value.includes("\0")) this.id = value;
  }

  dispatch() {
    if (this.id !== null) this.lastEventId = this.id;
    if (this.data.length > 0) {
      let data = null;
      try {
        data = JSON.parse(this.data.join("\n"));
      } catch {
        data = null;
      }
      this.onEvent({ id: this.lastEventId, type: this.type || "message", data });
    }
    this.reset();
  }
}

/**
 * Calls `onChange()` whenever something may have changed: on each event of the stream, or
 * every `pollMs` while there is no stream. `onStatus(text)` says which, for the header.
 */
export class LiveUpdates {
  constructor(api, { onChange, onStatus, pollMs = 5000, slowPollMs = 30000 }) {
    this.api = api;
    this.onChange = onChange;
    this.onStatus = onStatus;
    this.pollMs = pollMs;
    // Even with a stream, time alone moves things (deadlines pass): look now and then.
    this.slowPollMs = slowPollMs;
    this.stopped = false;
    this.timer = null;
    this.controller = null;
    this.lastEventId = null;
    this.backoffMs = 1000;
  }

  start() {
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  poll(everyMs) {
    clearTimeout(this.timer);
    const tick = () => {
      if (this.stopped) return;
      this.onChange();
      this.timer = setTimeout(tick, everyMs);
    };
    this.timer = setTimeout(tick, everyMs);
  }

  async connect() {
    if (this.stopped) return;
    this.controller = new AbortController();
    const headers = this.api.headers({ Accept: "text/event-stream" });
    if (this.lastEventId !== null) headers["Last-Event-ID"] = this.lastEventId;
    let response;
    try {
      response = await fetch("/v1/events", { headers, signal: this.controller.signal, cache: "no-store" });
    } catch {
      this.fallBack(`offline: retrying, polling every ${this.pollMs / 1000} s`);
      return;
    }
    if (!response.ok || !response.body) {
      // 404: this server has no stream; 429: too many streams for this key. Either way
      // polling keeps the page current; the stream is tried again later.
      response.body?.cancel();
      if (response.status === 401) {
        this.stopped = true;
        this.api.onUnauthorized();
        return;
      }
      this.fallBack(`polling every ${this.pollMs / 1000} s`, response.status === 404 ? 60000 : undefined);
      return;
    }
    this.backoffMs = 1000;
    this.onStatus("live", true);
    this.poll(this.slowPollMs);
    // Whatever happened while we were not listening is fetched once now.
    this.onChange();
    await this.read(response.body);
    if (!this.stopped) this.fallBack(`reconnecting, polling every ${this.pollMs / 1000} s`);
  }

  async read(body) {
    const parser = new EventStreamParser((event) => {
      this.lastEventId = event.id ?? this.lastEventId;
      this.onChange(event);
    });
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
      }
    } catch {
      // aborted or cut off: the caller falls back to polling and reconnects
    }
  }

  fallBack(status, retryMs) {
    if (this.stopped) return;
    this.onStatus(status, false);
    this.poll(this.pollMs);
    const wait = retryMs ?? this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    setTimeout(() => this.connect(), wait);
  }
}
