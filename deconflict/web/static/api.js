// The REST API client: bearer key from session storage, problem+json errors, paging.

const KEY_ITEM = "deconflict.apiKey";

/** A refusal from the API, carrying its RFC 9457 problem (and its `errors[].pointer`s). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }

  /** Field errors as [pointer, detail] pairs. */
  get fieldErrors() {
    return (this.problem.errors ?? []).map((e) => [e.pointer, e.detail]);
  }
}

/** Session storage only: the key is gone when the tab closes, and never in a URL. */
export const keyStore = {
  get: () => sessionStorage.getItem(KEY_ITEM),
  set: (key) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

export class Api {
  constructor(key, { onUnauthorized } = {}) {
    this.key = key;
    this.onUnauthorized = onUnauthorized ?? (() => {});
    // Server time minus our time, from the Date header: deadlines count down by the
    // server's clock even when this machine's clock is off.
    this.skewMs = 0;
  }

  now() {
    return Date.now() + this.skewMs;
  }

  headers(extra = {}) {
    return { Authorization: `Bearer ${this.key}`, ...extra };
  }

  async request(method, path, { json, headers = {}, signal } = {}) {
    const init = { method, headers: this.headers({ Accept: "application/json", ...headers }), signal };
    if (json !== undefined) {
      init.body = JSON.stringify(json);
      init.headers["Content-Type"] = "application/json";
    }
    const response = await fetch(path, init);
    const date = response.headers.get("Date");
    if (date) this.skewMs = Date.parse(date) + 500 - Date.now();
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not ours (a proxy's error page, say): keep its first words as the detail.
      body = { detail: `HTTP ${response.status}: ${text.slice(0, 200)}` };
    }
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      throw new ApiError(response.status, body);
    }
    return { body, etag: response.headers.get("ETag"), status: response.status };
  }

  async get(path) {
    return (await this.request("GET", path)).body;
  }

  post(path, json, ifMatch) {
    return this.request("POST", path, { json, headers: ifMatch ? { "If-Match": ifMatch } : {} });
  }

  put(path, json, ifMatch) {
    return this.request("PUT", path, { json, headers: { "If-Match": ifMatch } });
  }

  delete(path) {
    return this.request("DELETE", path);
  }

  /** Every item of a paged list, following `next_cursor` (bounded, so a loop cannot run on). */
  async all(path, maxPages = 20) {
    const items = [];
    let cursor = null;
    for (let page = 0; page < maxPages; page += 1) {
      const sep = path.includes("?") ? "&" : "?";
      const url = cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path;
      const body = await this.get(url);
      items.push(...body.items);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    return items;
  }
}
