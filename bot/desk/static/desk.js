/* The agent desk: a small single-page app on the desk API (bot/desk/api.py).
 *
 * No framework and no build step. Every piece of text that comes from a customer, an agent or
 * the database reaches the page through textContent / createTextNode (the `h` helper below),
 * never through innerHTML, so a message that looks like HTML is shown as text.
 * Live updates come from Server-Sent Events (/desk/api/events); after a reconnect the current
 * view is fetched again, so nothing missed while offline stays missing.
 */
(() => {
  "use strict";

  const API = "/desk/api";
  const PRIORITY = ["Normal", "Elevated", "High"];
  const TICKET_STATUSES = ["open", "pending", "resolved", "closed"];
  const WHO = { customer: "Customer", bot: "Assistant", agent: "Agent", system: "System" };

  const state = {
    me: null,
    events: null,
    retryMs: 1000,
    reconnectTimer: null,
    queue: null,
    queueTimer: null,
    view: null,
    viewSeq: 0,
    ticketFilter: "open",
    statsDays: 30,
  };

  // ---- small helpers ------------------------------------------------------------------------

  const $ = (id) => document.getElementById(id);

  /** Build an element. Children that are not nodes become text nodes (never parsed as HTML). */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else if (["value", "disabled", "checked", "selected", "hidden", "required"].includes(key)) node[key] = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    add(node, ...children);
    return node;
  }

  function add(node, ...children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Replace a container's children, keeping keyboard focus on the "same" element if it had it. */
  function fill(container, ...children) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.dataset.focusKey : null;
    container.replaceChildren();
    add(container, ...children);
    if (key) {
      const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
      if (again) again.focus();
    }
  }

  function debounce(fn, ms) {
    let timer = null;
    const wrapped = (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
    wrapped.cancel = () => clearTimeout(timer);
    return wrapped;
  }

  function toDate(value) {
    if (value === null || value === undefined || value === "") return null;
    const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  function fmtTime(value) {
    const date = toDate(value);
    if (!date) return "";
    const now = new Date();
    const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (date.toDateString() === now.toDateString()) return time;
    return `${date.toLocaleDateString([], { day: "numeric", month: "short" })}, ${time}`;
  }

  function fmtFull(value) {
    const date = toDate(value);
    return date ? date.toLocaleString() : "";
  }

  function fmtDuration(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    if (seconds < 60) return `${seconds}s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, "0")}m`;
    return `${Math.floor(hours / 24)}d`;
  }

  function ago(value) {
    const date = toDate(value);
    return date ? `${fmtDuration(Date.now() - date.getTime())} ago` : "";
  }

  /** A span that counts up from `sinceMs` (updated every second by the ticker). */
  function ticking(sinceMs, extraClass) {
    const span = h("span", { class: `ticking ${extraClass || ""}`.trim(), dataset: { sinceMs: String(sinceMs) } });
    updateTicking(span, Date.now());
    return span;
  }

  function updateTicking(span, now) {
    const elapsed = now - Number(span.dataset.sinceMs);
    span.textContent = fmtDuration(elapsed);
    span.classList.toggle("wait-warn", elapsed >= 3 * 60_000 && elapsed < 10 * 60_000);
    span.classList.toggle("wait-bad", elapsed >= 10 * 60_000);
  }

  setInterval(() => {
    const now = Date.now();
    document.querySelectorAll("[data-since-ms]").forEach((span) => updateTicking(span, now));
  }, 1000);

  function initials(name) {
    return (name || "?")
      .split(/[\s@._-]+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((part) => part[0].toUpperCase())
      .join("");
  }

  function customerLabel(handoff, context) {
    const customer = (context && context.customer) || {};
    return (
      (handoff && (handoff.customer_name || handoff.customer_email)) ||
      customer.name ||
      customer.email ||
      "Website visitor"
    );
  }

  function badge(text, kind) {
    return h("span", { class: `pill pill-${kind || "neutral"}` }, text);
  }

  function channelBadge(channel) {
    return badge(channel || "unknown", `channel-${(channel || "unknown").replace(/[^a-z0-9]/gi, "")}`);
  }

  function priorityBadge(priority) {
    const level = Math.max(0, Math.min(2, Number(priority) || 0));
    return badge(PRIORITY[level], ["neutral", "warn", "bad"][level]);
  }

  function ownerOf(handoff) {
    if (!handoff) return "bot";
    if (handoff.status === "assigned") return "agent";
    if (handoff.status === "queued") return "queue";
    return "bot";
  }

  function ownerBadge(owner, agentName) {
    if (owner === "agent") return badge(agentName ? `Agent: ${agentName}` : "Agent", "good");
    if (owner === "queue") return badge("Waiting in queue", "warn");
    return badge("Assistant", "neutral");
  }

  function toast(message, kind) {
    const box = $("toast");
    box.textContent = message;
    box.dataset.kind = kind || "info";
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => {
      box.hidden = true;
    }, 4000);
  }

  function errorBox(id) {
    return h("div", { id, class: "alert alert-error", role: "alert", hidden: true });
  }

  function showError(box, message) {
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
  }

  // ---- the API ------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  // The session's anti-forgery token (from /login and /me): every change sends it back, and a
  // page on another site can neither read it nor make the browser send it.
  let csrfToken = "";

  async function api(method, path, body) {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") {
      options.headers["X-CSRF-Token"] = csrfToken;
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    let response;
    try {
      response = await fetch(API + path, options);
    } catch (err) {
      throw new ApiError("Can't reach the server; check the connection and try again.", 0);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (response.status === 401 && path !== "/login") {
      loggedOut("Your session has ended; please sign in again.");
      throw new ApiError((data && data.error) || "Please log in.", 401);
    }
    if (!response.ok) {
      throw new ApiError((data && data.error) || `The server answered ${response.status}.`, response.status);
    }
    if (data && typeof data.csrf_token === "string") csrfToken = data.csrf_token;
    return data || {};
  }

  /** Run an action from a button: disable it meanwhile, report errors in `box` or a toast. */
  async function act(button, box, fn) {
    if (button) button.disabled = true;
    showError(box, "");
    try {
      return await fn();
    } catch (err) {
      if (err.status !== 401) {
        if (box) showError(box, err.message);
        else toast(err.message, "error");
      }
      return undefined;
    } finally {
      if (button && button.isConnected) button.disabled = false;
    }
  }

  // ---- sign in / out ------------------------------------------------------------------------

  function showLogin(message) {
    $("app").hidden = true;
    $("login-view").hidden = false;
    const box = $("login-error");
    box.dataset.kind = "info";
    showError(box, message || "");
    $("login-password").value = "";
    $("login-submit").disabled = false;
    $("login-email").focus();
  }

  function loggedOut(message) {
    const wasIn = state.me !== null;
    state.me = null;
    disconnectEvents();
    stopView();
    clearTimeout(state.queueTimer);
    $("view").replaceChildren();
    document.title = "Support desk";
    if (wasIn || !$("login-view").hidden || message) showLogin(message);
  }

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = $("login-email").value.trim();
    const password = $("login-password").value;
    const box = $("login-error");
    box.dataset.kind = "error";
    if (!email || !password) {
      showError(box, "Enter your email and password.");
      (email ? $("login-password") : $("login-email")).focus();
      return;
    }
    const button = $("login-submit");
    button.disabled = true;
    button.textContent = "Signing in…";
    try {
      const data = await api("POST", "/login", { email, password });
      showError(box, "");
      start(data.agent);
    } catch (err) {
      showError(box, err.status === 401 ? "Wrong email or password." : err.message);
      $("login-password").select();
    } finally {
      button.disabled = false;
      button.textContent = "Sign in";
    }
  });

  $("logout-button").addEventListener("click", async () => {
    try {
      await api("POST", "/logout");
    } catch (err) {
      /* signed out either way */
    }
    loggedOut("You have signed out.");
  });

  function start(agent) {
    state.me = agent;
    $("login-view").hidden = true;
    $("app").hidden = false;
    $("agent-name").textContent = agent.name;
    $("agent-role").textContent = agent.role === "admin" ? "Admin" : "Agent";
    $("agent-avatar").textContent = initials(agent.name);
    $("nav-agents-item").hidden = agent.role !== "admin";
    connectEvents();
    loadQueue();
    if (!location.hash || location.hash === "#" || location.hash === "#/") history.replaceState(null, "", "#/queue");
    route(true);
  }

  // ---- live updates -------------------------------------------------------------------------

  function setConnection(kind, text) {
    const status = $("connection-status");
    status.dataset.state = kind;
    $("connection-text").textContent = text;
  }

  function disconnectEvents() {
    clearTimeout(state.reconnectTimer);
    if (state.events) state.events.close();
    state.events = null;
  }

  function connectEvents() {
    clearTimeout(state.reconnectTimer);
    if (state.events) state.events.close();
    const source = new EventSource(`${API}/events`);
    state.events = source;
    setConnection("connecting", "Connecting…");
    source.addEventListener("hello", () => {
      if (state.events !== source) return;
      setConnection("online", "Online");
      state.retryMs = 1000;
      // Events published before this stream was subscribed (or while it was down) are lost:
      // fetch what is on screen again.
      resync();
    });
    for (const type of ["queue", "queue_changed", "message", "note"]) {
      source.addEventListener(type, (event) => {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch (err) {
          return;
        }
        dispatch(data);
      });
    }
    source.addEventListener("logged_out", () => loggedOut("Your session has expired; please sign in again."));
    source.onerror = () => {
      if (state.events !== source || !state.me) return;
      setConnection("reconnecting", "Reconnecting…");
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (the server refused the stream): check the session, then retry.
        source.close();
        const wait = state.retryMs;
        state.retryMs = Math.min(state.retryMs * 2, 15000);
        state.reconnectTimer = setTimeout(async () => {
          try {
            await api("GET", "/me");
          } catch (err) {
            if (err.status === 401) return;
          }
          if (state.me) connectEvents();
        }, wait);
      }
    };
  }

  function dispatch(event) {
    if (event.type === "queue" || event.type === "queue_changed") scheduleQueue();
    if (state.view && state.view.onEvent) state.view.onEvent(event);
  }

  function resync() {
    loadQueue();
    if (state.view && state.view.refresh) state.view.refresh();
  }

  // ---- the queue (kept fresh whatever the view, for the badge) ------------------------------

  function scheduleQueue() {
    clearTimeout(state.queueTimer);
    state.queueTimer = setTimeout(loadQueue, 150);
  }

  async function loadQueue() {
    if (!state.me) return;
    let data;
    try {
      data = await api("GET", "/queue");
    } catch (err) {
      return;
    }
    const fetchedAt = Date.now();
    for (const handoff of data.handoffs || []) {
      handoff._sinceMs = fetchedAt - (handoff.waiting_seconds || 0) * 1000;
      handoff._claimedMs = toDate(handoff.claimed_at) ? toDate(handoff.claimed_at).getTime() : null;
    }
    state.queue = data;
    const waiting = (data.handoffs || []).filter((h) => h.status === "queued").length;
    const badgeEl = $("queue-badge");
    badgeEl.textContent = String(waiting);
    badgeEl.hidden = waiting === 0;
    badgeEl.setAttribute("aria-label", `${waiting} waiting`);
    document.title = waiting ? `(${waiting}) Support desk` : "Support desk";
    const online = data.agents_online;
    fill(
      $("topbar-info"),
      h("span", {}, `${online} agent${online === 1 ? "" : "s"} online`),
      h("span", { class: "sep", "aria-hidden": "true" }, "·"),
      h("span", {}, `Hours: ${data.business_hours}`),
      h("span", { class: "sep", "aria-hidden": "true" }, "·"),
      data.open_now ? badge("Open now", "good") : badge("Closed now", "bad"),
    );
    if (state.view && state.view.onQueue) state.view.onQueue(data);
  }

  // ---- routing ------------------------------------------------------------------------------

  function stopView() {
    if (state.view && state.view.stop) state.view.stop();
    state.view = null;
  }

  function route(initial) {
    if (!state.me) return;
    const hash = location.hash.replace(/^#\/?/, "");
    const [name, ...rest] = hash.split("/");
    let arg = rest.length ? rest.join("/") : null;
    try {
      arg = arg === null ? null : decodeURIComponent(arg);
    } catch (err) {
      arg = null; // a malformed address: show the section's list instead
    }
    stopView();
    state.viewSeq += 1;
    const view = $("view");
    view.replaceChildren();
    let section = name || "queue";
    if (name === "handoff" && arg) state.view = handoffView({ handoffId: Number(arg) });
    else if (name === "conversation" && arg) {
      state.view = handoffView({ senderId: arg });
      section = "conversations";
    } else if (name === "conversations") state.view = conversationsView();
    else if (name === "tickets" && arg) state.view = ticketView(arg);
    else if (name === "tickets") state.view = ticketsView();
    else if (name === "stats") state.view = statsView();
    else if (name === "agents") state.view = agentsView();
    else {
      section = "queue";
      state.view = queueView();
    }
    if (name === "handoff") section = "queue";
    document.querySelectorAll("[data-nav]").forEach((link) => {
      if (link.dataset.nav === section) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    if (!initial) {
      const title = view.querySelector("h1");
      if (title) title.focus({ preventScroll: true });
    }
  }

  window.addEventListener("hashchange", () => route(false));

  /** True while the view that started a request is still the one on screen. */
  function current(seq) {
    return seq === state.viewSeq && state.me !== null;
  }

  function pageHeader(title, ...extra) {
    return h(
      "div",
      { class: "page-header" },
      h("h1", { id: "view-title", tabindex: "-1" }, title),
      h("div", { class: "page-actions" }, extra),
    );
  }

  // ---- view: queue --------------------------------------------------------------------------

  function queueView() {
    const seq = state.viewSeq;
    const waitingBox = h("div", { id: "queue-waiting" });
    const activeBox = h("div", { id: "queue-active" });
    const error = errorBox("queue-error");
    add(
      $("view"),
      pageHeader("Queue"),
      error,
      h(
        "section",
        { class: "card", "aria-labelledby": "waiting-title" },
        h("h2", { id: "waiting-title" }, "Waiting for a person"),
        waitingBox,
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "active-title" },
        h("h2", { id: "active-title" }, "Being handled"),
        activeBox,
      ),
    );

    async function claim(handoff, button) {
      const done = await act(button, error, () => api("POST", `/handoffs/${handoff.id}/claim`));
      if (done && current(seq)) location.hash = `#/handoff/${handoff.id}`;
    }

    function render(data) {
      const all = data.handoffs || [];
      const waiting = all.filter((x) => x.status === "queued");
      const active = all.filter((x) => x.status === "assigned");
      if (!waiting.length) {
        fill(
          waitingBox,
          h(
            "p",
            { class: "empty", id: "queue-empty", "data-testid": "queue-empty" },
            "Nobody is waiting. New conversations appear here as soon as the assistant hands them over.",
          ),
        );
      } else {
        fill(
          waitingBox,
          h(
            "table",
            { class: "table", id: "queue-table", "data-testid": "queue-table" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Customer", "Channel", "Waiting", "Priority", "Reason", "Summary"].map((t) => h("th", { scope: "col" }, t)),
                h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")),
              ),
            ),
            h(
              "tbody",
              {},
              waiting.map((handoff) => {
                const who = customerLabel(handoff);
                return h(
                  "tr",
                  {
                    "data-testid": "queue-row",
                    dataset: { handoffId: String(handoff.id), senderId: handoff.sender_id },
                    class: handoff.priority > 0 ? "row-priority" : "",
                  },
                  h(
                    "td",
                    {},
                    h("div", { class: "strong" }, who),
                    h("div", { class: "muted small mono" }, handoff.sender_id),
                  ),
                  h("td", {}, channelBadge(handoff.channel)),
                  h("td", { "data-testid": "queue-wait" }, ticking(handoff._sinceMs)),
                  h("td", {}, priorityBadge(handoff.priority)),
                  h("td", { "data-testid": "queue-reason" }, handoff.reason_text),
                  h("td", { class: "summary-cell" }, h("div", { class: "clamp", title: handoff.summary }, handoff.summary || "—")),
                  h(
                    "td",
                    { class: "actions" },
                    h(
                      "a",
                      {
                        class: "btn btn-ghost btn-sm",
                        href: `#/handoff/${handoff.id}`,
                        "aria-label": `Open conversation with ${who}`,
                        dataset: { focusKey: `open-${handoff.id}` },
                      },
                      "Open",
                    ),
                    h(
                      "button",
                      {
                        type: "button",
                        class: "btn btn-primary btn-sm",
                        "data-testid": "queue-claim",
                        "aria-label": `Claim conversation with ${who}`,
                        dataset: { focusKey: `claim-${handoff.id}` },
                        onclick: (event) => claim(handoff, event.currentTarget),
                      },
                      "Claim",
                    ),
                  ),
                );
              }),
            ),
          ),
        );
      }
      if (!active.length) {
        fill(activeBox, h("p", { class: "empty" }, "No conversation is with an agent right now."));
      } else {
        fill(
          activeBox,
          h(
            "table",
            { class: "table", id: "active-table" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Customer", "Channel", "Agent", "With agent for", "Reason"].map((t) => h("th", { scope: "col" }, t)),
                h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")),
              ),
            ),
            h(
              "tbody",
              {},
              active.map((handoff) => {
                const mine = state.me && handoff.agent_id === state.me.id;
                return h(
                  "tr",
                  {
                    "data-testid": "active-row",
                    class: mine ? "row-mine" : "",
                    dataset: { handoffId: String(handoff.id), senderId: handoff.sender_id },
                  },
                  h("td", {}, h("div", { class: "strong" }, customerLabel(handoff))),
                  h("td", {}, channelBadge(handoff.channel)),
                  h("td", {}, mine ? h("span", {}, `${handoff.agent_name} (you)`) : handoff.agent_name || "—"),
                  h("td", {}, handoff._claimedMs ? ticking(handoff._claimedMs) : "—"),
                  h("td", {}, handoff.reason_text),
                  h(
                    "td",
                    { class: "actions" },
                    h(
                      "a",
                      { class: "btn btn-ghost btn-sm", href: `#/handoff/${handoff.id}`, dataset: { focusKey: `open-${handoff.id}` } },
                      "Open",
                    ),
                  ),
                );
              }),
            ),
          ),
        );
      }
    }

    if (state.queue) render(state.queue);
    else fill(waitingBox, h("p", { class: "empty" }, "Loading…"));
    loadQueue();
    return {
      onQueue: (data) => current(seq) && render(data),
      refresh: () => loadQueue(),
    };
  }

  // ---- view: one conversation (a handoff, or a conversation the bot owns) -------------------

  function handoffView({ handoffId, senderId }) {
    const seq = state.viewSeq;
    let data = null;
    let polling = null;

    const title = h("h1", { id: "view-title", tabindex: "-1" }, "Conversation");
    const headerInfo = h("div", { class: "conv-meta", id: "conversation-meta" });
    const claimButton = h("button", { type: "button", id: "claim-button", class: "btn btn-primary", hidden: true }, "Claim");
    const takeoverButton = h(
      "button",
      { type: "button", id: "takeover-button", class: "btn btn-primary", hidden: true },
      "Take over",
    );
    const handbackButton = h(
      "button",
      { type: "button", id: "handback-button", class: "btn btn-secondary", hidden: true, "aria-expanded": "false", "aria-controls": "handback-panel" },
      "Hand back to assistant",
    );
    const actionError = errorBox("conversation-error");

    const handbackNote = h("textarea", { id: "handback-note", rows: "2", maxlength: "4000", placeholder: "What was done, for the record" });
    const handbackConfirm = h("button", { type: "button", id: "handback-confirm", class: "btn btn-primary" }, "Hand back");
    const handbackCancel = h("button", { type: "button", id: "handback-cancel", class: "btn btn-ghost" }, "Cancel");
    const handbackPanel = h(
      "div",
      { id: "handback-panel", class: "handback-panel", hidden: true, role: "group", "aria-labelledby": "handback-title" },
      h("h2", { id: "handback-title", class: "small-title" }, "Hand back to the assistant"),
      h(
        "p",
        { class: "muted small" },
        "The assistant resumes and asks the customer whether there is anything else, then asks for a rating.",
      ),
      h("label", { for: "handback-note" }, "Internal note (optional)"),
      handbackNote,
      h("div", { class: "row-actions" }, handbackConfirm, handbackCancel),
    );

    const transcriptBox = h("div", {
      id: "transcript",
      class: "transcript",
      role: "log",
      "aria-live": "polite",
      "aria-label": "Conversation transcript",
      "data-testid": "transcript",
      tabindex: "0",
    });

    const replyText = h("textarea", {
      id: "reply-text",
      rows: "3",
      maxlength: "4000",
      disabled: true,
      placeholder: "Write to the customer…",
      "aria-describedby": "reply-hint",
    });
    const replySend = h("button", { type: "submit", id: "reply-send", class: "btn btn-primary", disabled: true }, "Send");
    const replyHint = h("p", { id: "reply-hint", class: "hint", "data-testid": "reply-hint" });
    const replyClaim = h("button", { type: "button", id: "reply-claim", class: "btn btn-secondary btn-sm", hidden: true }, "Claim");
    const replyError = errorBox("reply-error");
    const replyForm = h(
      "form",
      { id: "reply-form", class: "composer", "aria-label": "Reply to the customer" },
      h("label", { for: "reply-text", class: "composer-label" }, "Reply to the customer"),
      replyError,
      h("div", { class: "composer-row" }, replyText, replySend),
      h("div", { class: "composer-foot" }, replyHint, replyClaim),
    );

    const contextBox = h("div", { id: "context-panel-body" });
    const notesList = h("ul", { id: "notes-list", class: "notes", "data-testid": "notes-list", "aria-live": "polite" });
    const noteText = h("textarea", { id: "note-text", rows: "2", maxlength: "4000", placeholder: "Only agents see notes" });
    const noteAdd = h("button", { type: "submit", id: "note-add", class: "btn btn-secondary btn-sm" }, "Add note");
    const noteError = errorBox("note-error");
    const noteForm = h(
      "form",
      { id: "note-form", class: "note-form" },
      h("label", { for: "note-text" }, "Add an internal note"),
      noteError,
      noteText,
      h("div", { class: "row-actions" }, noteAdd),
    );

    add(
      $("view"),
      h(
        "div",
        { class: "conversation" },
        h(
          "div",
          { class: "conv-main" },
          h(
            "div",
            { class: "page-header conv-header" },
            h("div", {}, h("a", { href: "#/queue", class: "back-link" }, "← Queue"), title, headerInfo),
            h("div", { class: "page-actions" }, claimButton, takeoverButton, handbackButton),
          ),
          actionError,
          handbackPanel,
          transcriptBox,
          replyForm,
        ),
        h(
          "aside",
          { class: "conv-side", id: "context-panel", "aria-label": "Customer context and notes", "data-testid": "context-panel" },
          contextBox,
          h(
            "section",
            { class: "side-card", "aria-labelledby": "notes-title" },
            h("h2", { id: "notes-title" }, "Internal notes"),
            notesList,
            noteForm,
          ),
        ),
      ),
    );

    // -- data --

    async function load() {
      const path = handoffId ? `/handoffs/${handoffId}` : `/conversations/${encodeURIComponent(senderId)}`;
      try {
        const fresh = await api("GET", path);
        if (!current(seq)) return;
        data = fresh;
        render();
      } catch (err) {
        if (!current(seq) || err.status === 401) return;
        if (!data) {
          title.textContent = err.status === 404 ? "Not found" : "Conversation";
          showError(actionError, err.message);
        }
      }
    }
    const reload = debounce(load, 250);

    function handoff() {
      return data && data.handoff;
    }

    function mine() {
      const h0 = handoff();
      return Boolean(h0 && h0.status === "assigned" && state.me && h0.agent_id === state.me.id);
    }

    // -- rendering --

    function render() {
      const h0 = handoff();
      const owner = ownerOf(h0);
      const who = customerLabel(h0, data.context);
      title.textContent = who;
      const customer = (data.context && data.context.customer) || {};
      fill(
        headerInfo,
        channelBadge((h0 && h0.channel) || customer.channel),
        h(
          "span",
          { id: "handoff-status", "data-testid": "handoff-status", dataset: { status: h0 ? h0.status : "bot" } },
          ownerBadge(owner, h0 && h0.agent_name),
        ),
        h0 && h0.status === "queued" ? h("span", { class: "muted small" }, "waiting ", ticking(Date.now() - h0.waiting_seconds * 1000)) : null,
        h0 && !h0.status.match(/queued|assigned/) ? h("span", { class: "muted small" }, `handoff ${h0.status}`) : null,
        h("span", { class: "muted small mono" }, data.sender_id),
      );

      claimButton.hidden = !(h0 && h0.status === "queued");
      takeoverButton.hidden = owner !== "bot";
      handbackButton.hidden = !mine() && !(h0 && h0.status === "assigned" && state.me.role === "admin");
      if (handbackButton.hidden) closeHandback();

      renderTranscript(data.transcript || []);
      renderComposer(owner, h0);
      const contextSig = JSON.stringify([data.context, h0 && h0.reason_text, h0 && h0.ticket_reference]);
      if (contextSig !== shownContext) {
        shownContext = contextSig;
        renderContext(data.context || {}, h0);
      }
      renderNotes(data.notes || []);
    }

    let shownContext = null;
    let shownNotes = null;

    function renderComposer(owner, h0) {
      const canWrite = mine();
      replyText.disabled = !canWrite;
      replySend.disabled = !canWrite;
      replyClaim.hidden = !(h0 && h0.status === "queued");
      let hint;
      if (canWrite) hint = "Enter sends · Shift+Enter for a new line. The customer gets this on their channel.";
      else if (owner === "queue") hint = "Claim this conversation to reply; the customer is waiting.";
      else if (owner === "agent") hint = `${h0.agent_name || "Another agent"} owns this conversation.`;
      else hint = "The assistant owns this conversation. Take over to write to the customer.";
      replyHint.textContent = hint;
      replyForm.classList.toggle("is-disabled", !canWrite);
      noteText.disabled = !h0;
      noteAdd.disabled = !h0;
      if (!h0) noteText.placeholder = "Notes belong to a handoff: take over to add one";
    }

    function entryNode(entry) {
      const who = WHO[entry.who] ? entry.who : "system";
      const label = who === "agent" && entry.agent ? `${entry.agent} (agent)` : WHO[who];
      return h(
        "div",
        {
          class: `msg msg-${who}`,
          "data-testid": "transcript-entry",
          dataset: { who, ts: String(entry.timestamp || "") },
        },
        h(
          "div",
          { class: "msg-meta" },
          h("span", { class: "msg-who" }, label),
          h("time", { class: "msg-time", datetime: toDate(entry.timestamp) ? toDate(entry.timestamp).toISOString() : "", title: fmtFull(entry.timestamp) }, fmtTime(entry.timestamp)),
        ),
        h("div", { class: "msg-text", "data-testid": "message-text" }, entry.text),
        entry.buttons && entry.buttons.length
          ? h(
              "div",
              { class: "msg-buttons", "aria-label": "Buttons offered" },
              h("span", { class: "muted small" }, "Offered: "),
              entry.buttons.map((b) => h("span", { class: "chip" }, b)),
            )
          : null,
      );
    }

    function nearBottom() {
      return transcriptBox.scrollHeight - transcriptBox.scrollTop - transcriptBox.clientHeight < 120;
    }

    // What the transcript shows now. New entries are appended, so screen readers announce
    // only what is new; anything else (an edit, a different order) re-renders the whole log.
    let shown = [];
    const sameEntry = (a, b) => a.who === b.who && a.text === b.text;

    function renderTranscript(entries) {
      const stick = nearBottom() || !shown.length;
      const grows = shown.length > 0 && shown.length <= entries.length && shown.every((e, i) => sameEntry(e, entries[i]));
      if (grows) {
        entries.slice(shown.length).forEach((entry) => transcriptBox.appendChild(entryNode(entry)));
      } else if (!entries.length) {
        fill(transcriptBox, h("p", { class: "empty" }, "No messages yet."));
      } else {
        fill(transcriptBox, entries.map(entryNode));
      }
      shown = entries.slice();
      if (stick) transcriptBox.scrollTop = transcriptBox.scrollHeight;
    }

    function appendEntry(entry) {
      if (!data || !entry) return;
      const duplicate = shown
        .slice(-15)
        .some((e) => sameEntry(e, entry) && Math.abs((e.timestamp || 0) - (entry.timestamp || 0)) < 5);
      if (duplicate) return;
      const stick = nearBottom();
      if (!shown.length) transcriptBox.replaceChildren();
      shown = [...shown, entry];
      transcriptBox.appendChild(entryNode(entry));
      if (stick) transcriptBox.scrollTop = transcriptBox.scrollHeight;
    }

    function sideCard(titleText, id, ...body) {
      return h("section", { class: "side-card", id, "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, titleText), body);
    }

    function renderContext(ctx, h0) {
      const customer = ctx.customer || {};
      // Only what a channel or an order lookup verified carries the "verified" badge; anything a
      // client or the customer typed says so, and where it came from.
      const email = customer.email
        ? h(
            "span",
            { "data-testid": "context-email" },
            customer.email,
            " ",
            customer.email_verified ? badge("verified", "good") : badge("not verified", "warn"),
            customer.email_source ? h("span", { class: "small muted" }, ` (${customer.email_source})`) : null,
          )
        : null;
      const name = customer.name
        ? h("span", {}, customer.name, customer.name_verified ? null : h("span", { class: "small muted" }, " (as given, not verified)"))
        : null;
      const cards = [];
      cards.push(
        sideCard(
          "Why they need a person",
          "context-reason-card",
          h("p", { id: "context-reason", "data-testid": "context-reason" }, ctx.reason || (h0 && h0.reason_text) || "No handoff: the assistant is handling this conversation."),
          h0 && h0.ticket_reference
            ? h("p", { class: "small" }, "Ticket: ", h("a", { href: `#/tickets/${encodeURIComponent(h0.ticket_reference)}` }, h0.ticket_reference))
            : null,
        ),
      );
      cards.push(sideCard("Summary", "context-summary-card", h("p", { id: "context-summary", "data-testid": "context-summary" }, ctx.summary || "—")));
      cards.push(
        sideCard(
          "Customer",
          "context-customer",
          dlPairs([
            ["Name", name],
            ["Email", email || "unknown"],
            ["Channel", customer.channel || (h0 && h0.channel)],
            ["Platform ID", customer.platform_id !== data.sender_id ? customer.platform_id : null],
            ["Conversation", h("span", { class: "mono" }, data.sender_id)],
            ["Verified order", ctx.verified_order],
          ]),
        ),
      );
      const orders = ctx.orders || [];
      cards.push(
        sideCard(
          `Orders (${orders.length})`,
          "context-orders",
          orders.length
            ? h(
                "ul",
                { class: "plain-list" },
                orders.map((o) =>
                  h(
                    "li",
                    {},
                    h("div", { class: "strong" }, `#${o.number} `, badge(o.status, "neutral"), " ", o.total),
                    h("div", { class: "muted small" }, `Placed ${fmtTime(o.placed_at)}`, o.carrier ? ` · ${o.carrier} ${o.tracking_number || ""}` : ""),
                    o.items && o.items.length ? h("div", { class: "small" }, o.items.join(", ")) : null,
                  ),
                ),
              )
            : h("p", { class: "muted small" }, customer.email ? "No orders for this email." : "No email known, so no orders found."),
        ),
      );
      const tickets = ctx.tickets || [];
      cards.push(
        sideCard(
          `Tickets (${tickets.length})`,
          "context-tickets",
          tickets.length
            ? h(
                "ul",
                { class: "plain-list" },
                tickets.map((t) =>
                  h(
                    "li",
                    {},
                    h("a", { href: `#/tickets/${encodeURIComponent(t.reference)}` }, t.reference),
                    " ",
                    badge(t.status, ticketKind(t.status)),
                    h("div", { class: "small" }, t.subject),
                  ),
                ),
              )
            : h("p", { class: "muted small" }, "No tickets."),
        ),
      );
      const earlier = ctx.earlier_handoffs || [];
      cards.push(
        sideCard(
          "Earlier conversations",
          "context-earlier",
          earlier.length
            ? h(
                "ul",
                { class: "plain-list" },
                earlier.map((e) =>
                  h(
                    "li",
                    {},
                    h("a", { href: `#/handoff/${e.id}` }, fmtTime(e.created_at) || `#${e.id}`),
                    " ",
                    badge(e.status, "neutral"),
                    e.agent_name ? h("span", { class: "small" }, ` with ${e.agent_name}`) : null,
                    h("div", { class: "small" }, e.reason_text),
                  ),
                ),
              )
            : h("p", { class: "muted small" }, "No earlier handoffs."),
          ctx.earlier_sessions ? h("p", { class: "muted small" }, `${ctx.earlier_sessions} earlier session(s) with the assistant.`) : null,
        ),
      );
      const kb = ctx.knowledge || [];
      cards.push(
        sideCard(
          "Knowledge base tried",
          "context-knowledge",
          kb.length
            ? h(
                "ul",
                { class: "plain-list" },
                kb.map((k) =>
                  h(
                    "li",
                    {},
                    h("div", {}, "“", k.query, "”"),
                    h(
                      "div",
                      { class: "small muted" },
                      k.doc_id ? `${k.doc_id} · ` : "",
                      k.outcome || "",
                      k.score !== null && k.score !== undefined ? ` · score ${k.score}` : "",
                      " · ",
                    ),
                    k.helpful === true ? badge("rated helpful", "good") : k.helpful === false ? badge("rated not helpful", "bad") : badge("not rated", "neutral"),
                  ),
                ),
              )
            : h("p", { class: "muted small" }, "The knowledge base was not used."),
        ),
      );
      fill(contextBox, cards);
    }

    function noteNode(note) {
      const h0 = handoff();
      return h(
        "li",
        { class: "note", "data-testid": "note", dataset: { noteId: String(note.id) } },
        h(
          "div",
          { class: "note-meta" },
          h("span", { class: "strong" }, note.agent || "Agent"),
          " · ",
          h("time", { title: fmtFull(note.created_at) }, fmtTime(note.created_at)),
          h0 && note.handoff_id && note.handoff_id !== h0.id ? h("span", { class: "muted" }, " · earlier handoff") : null,
        ),
        h("div", { class: "note-text" }, note.text),
      );
    }

    function renderNotes(notes) {
      const sig = JSON.stringify(notes.map((n) => n.id));
      if (sig === shownNotes) return;
      shownNotes = sig;
      if (!notes.length) fill(notesList, h("li", { class: "empty small" }, "No notes yet."));
      else fill(notesList, notes.map(noteNode));
    }

    function appendNote(note) {
      if (!data) return;
      if ((data.notes || []).some((n) => n.id === note.id)) return;
      data.notes = [...(data.notes || []), note];
      renderNotes(data.notes);
    }

    // -- actions --

    async function claim(button) {
      const h0 = handoff();
      if (!h0) return;
      const done = await act(button, actionError, () => api("POST", `/handoffs/${h0.id}/claim`));
      if (done && current(seq)) {
        await load();
        replyText.focus();
      }
    }

    claimButton.addEventListener("click", () => claim(claimButton));
    replyClaim.addEventListener("click", () => claim(replyClaim));

    takeoverButton.addEventListener("click", async () => {
      const sender = data ? data.sender_id : senderId;
      const done = await act(takeoverButton, actionError, () => api("POST", `/conversations/${encodeURIComponent(sender)}/takeover`));
      if (done && current(seq)) {
        toast("You own this conversation now; the assistant is paused.");
        location.hash = `#/handoff/${done.handoff.id}`;
      }
    });

    function openHandback() {
      handbackPanel.hidden = false;
      handbackButton.setAttribute("aria-expanded", "true");
      handbackNote.focus();
    }

    function closeHandback() {
      handbackPanel.hidden = true;
      handbackButton.setAttribute("aria-expanded", "false");
    }

    handbackButton.addEventListener("click", () => (handbackPanel.hidden ? openHandback() : closeHandback()));
    handbackCancel.addEventListener("click", () => {
      closeHandback();
      handbackButton.focus();
    });
    handbackPanel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        closeHandback();
        handbackButton.focus();
      }
    });
    handbackConfirm.addEventListener("click", async () => {
      const h0 = handoff();
      if (!h0) return;
      const note = handbackNote.value.trim();
      const done = await act(handbackConfirm, actionError, async () => {
        if (note) await api("POST", `/handoffs/${h0.id}/notes`, { text: note });
        return api("POST", `/handoffs/${h0.id}/handback`);
      });
      if (done && current(seq)) {
        handbackNote.value = "";
        closeHandback();
        toast("Handed back: the assistant has the conversation again.");
        await load();
      }
    });

    async function sendReply() {
      const text = replyText.value.trim();
      const h0 = handoff();
      if (!text || !h0 || replySend.disabled) return;
      const done = await act(replySend, replyError, () => api("POST", `/handoffs/${h0.id}/messages`, { text }));
      if (!current(seq)) return;
      replySend.disabled = !mine();
      if (done) {
        replyText.value = "";
        if (done.entry) appendEntry(done.entry);
        replyText.focus();
      }
    }

    replyForm.addEventListener("submit", (event) => {
      event.preventDefault();
      sendReply();
    });
    replyText.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendReply();
      }
    });

    noteForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const h0 = handoff();
      const text = noteText.value.trim();
      if (!h0 || !text) return;
      const done = await act(noteAdd, noteError, () => api("POST", `/handoffs/${h0.id}/notes`, { text }));
      if (done && current(seq)) {
        noteText.value = "";
        appendNote({ ...done.note, handoff_id: h0.id });
      }
    });

    // -- live --

    function concerns(event) {
      const h0 = handoff();
      const sender = data ? data.sender_id : senderId;
      if (event.handoff_id !== undefined && h0 && event.handoff_id === h0.id) return true;
      if (event.sender_id && event.sender_id === sender) return true;
      if (event.handoff && (event.handoff.sender_id === sender || (h0 && event.handoff.id === h0.id))) return true;
      return false;
    }

    load();
    // Turns the bot answers itself (and the messages it adds, like queue updates) have no live
    // event: poll, often while the assistant owns the conversation, now and then otherwise.
    let lastPoll = Date.now();
    polling = setInterval(() => {
      if (document.hidden) return;
      const botOwned = !data || ownerOf(handoff()) === "bot";
      if (botOwned || Date.now() - lastPoll >= 15000) {
        lastPoll = Date.now();
        load();
      }
    }, 4000);

    return {
      stop: () => {
        clearInterval(polling);
        reload.cancel();
      },
      refresh: load,
      onEvent: (event) => {
        if (!current(seq)) return;
        if (event.type === "message" && concerns(event)) {
          appendEntry(event.entry);
          reload();
        } else if (event.type === "note" && concerns(event)) {
          appendNote({ ...event.note, handoff_id: event.handoff_id });
        } else if (event.type === "queue" && concerns(event)) {
          reload();
        } else if (event.type === "queue_changed") {
          reload();
        }
      },
    };
  }

  // ---- view: recent conversations -----------------------------------------------------------

  function conversationsView() {
    const seq = state.viewSeq;
    const box = h("div", { id: "conversations-body" });
    const error = errorBox("conversations-error");
    add(
      $("view"),
      pageHeader("Recent conversations"),
      h("p", { class: "muted" }, "The last 50 conversations with the assistant. Take one over to answer the customer yourself."),
      error,
      h("section", { class: "card" }, box),
    );

    async function load() {
      let data;
      try {
        data = await api("GET", "/conversations");
      } catch (err) {
        if (current(seq) && err.status !== 401) showError(error, err.message);
        return;
      }
      if (!current(seq)) return;
      showError(error, "");
      const rows = data.conversations || [];
      if (!rows.length) {
        fill(box, h("p", { class: "empty" }, "No conversations yet."));
        return;
      }
      const openByConversation = new Map(((state.queue && state.queue.handoffs) || []).map((x) => [x.sender_id, x]));
      fill(
        box,
        h(
          "table",
          { class: "table", id: "conversations-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["Conversation", "Last active", "Owner"].map((t) => h("th", { scope: "col" }, t)),
              h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")),
            ),
          ),
          h(
            "tbody",
            {},
            rows.map((row) => {
              const open = openByConversation.get(row.sender_id);
              const link = open ? `#/handoff/${open.id}` : `#/conversation/${encodeURIComponent(row.sender_id)}`;
              return h(
                "tr",
                { "data-testid": "conversation-row", dataset: { senderId: row.sender_id, owner: row.owner } },
                h("td", { class: "mono" }, row.sender_id),
                h("td", { title: fmtFull(row.last_active) }, ago(row.last_active)),
                h("td", {}, ownerBadge(row.owner, open && open.agent_name)),
                h(
                  "td",
                  { class: "actions" },
                  h("a", { class: "btn btn-ghost btn-sm", href: link, dataset: { focusKey: `open-${row.sender_id}` } }, "Open"),
                  row.owner === "bot"
                    ? h(
                        "button",
                        {
                          type: "button",
                          class: "btn btn-primary btn-sm",
                          "data-testid": "takeover",
                          "aria-label": `Take over conversation ${row.sender_id}`,
                          dataset: { focusKey: `take-${row.sender_id}` },
                          onclick: async (event) => {
                            const done = await act(event.currentTarget, error, () =>
                              api("POST", `/conversations/${encodeURIComponent(row.sender_id)}/takeover`),
                            );
                            if (done && current(seq)) location.hash = `#/handoff/${done.handoff.id}`;
                          },
                        },
                        "Take over",
                      )
                    : null,
                ),
              );
            }),
          ),
        ),
      );
    }

    const reload = debounce(load, 300);
    load();
    const timer = setInterval(() => {
      if (!document.hidden) load();
    }, 15000);
    return {
      stop: () => {
        clearInterval(timer);
        reload.cancel();
      },
      refresh: load,
      onEvent: (event) => {
        if (event.type === "queue" || event.type === "queue_changed" || event.type === "message") reload();
      },
    };
  }

  // ---- view: tickets ------------------------------------------------------------------------

  function ticketKind(status) {
    return { open: "warn", pending: "info", resolved: "good", closed: "neutral" }[status] || "neutral";
  }

  function ticketsView() {
    const seq = state.viewSeq;
    const filter = h(
      "select",
      { id: "ticket-status-filter", "aria-describedby": "tickets-count" },
      h("option", { value: "" }, "All"),
      TICKET_STATUSES.map((s) => h("option", { value: s, selected: s === state.ticketFilter }, s[0].toUpperCase() + s.slice(1))),
    );
    if (!state.ticketFilter) filter.value = "";
    const box = h("div", { id: "tickets-body" });
    const count = h("span", { id: "tickets-count", class: "muted small" });
    const error = errorBox("tickets-error");
    add(
      $("view"),
      pageHeader("Tickets", h("label", { for: "ticket-status-filter", class: "inline-label" }, "Status"), filter, count),
      error,
      h("section", { class: "card" }, box),
    );

    async function load() {
      const query = state.ticketFilter ? `?status=${encodeURIComponent(state.ticketFilter)}` : "";
      let data;
      try {
        data = await api("GET", `/tickets${query}`);
      } catch (err) {
        if (current(seq) && err.status !== 401) showError(error, err.message);
        return;
      }
      if (!current(seq)) return;
      showError(error, "");
      const tickets = data.tickets || [];
      count.textContent = `${tickets.length} ticket${tickets.length === 1 ? "" : "s"}`;
      if (!tickets.length) {
        fill(box, h("p", { class: "empty" }, "No tickets with this status."));
        return;
      }
      fill(
        box,
        h(
          "table",
          { class: "table", id: "tickets-table" },
          h(
            "thead",
            {},
            h("tr", {}, ["Ticket", "Subject", "Status", "Priority", "Channel", "Customer", "Updated"].map((t) => h("th", { scope: "col" }, t))),
          ),
          h(
            "tbody",
            {},
            tickets.map((t) =>
              h(
                "tr",
                { "data-testid": "ticket-row", dataset: { reference: t.reference } },
                h("td", {}, h("a", { href: `#/tickets/${encodeURIComponent(t.reference)}`, class: "mono strong" }, t.reference)),
                h("td", {}, h("div", { class: "clamp" }, t.subject)),
                h("td", {}, badge(t.status, ticketKind(t.status))),
                h("td", {}, t.priority),
                h("td", {}, channelBadge(t.channel), t.has_conversation ? null : h("span", { class: "muted small" }, " (email only)")),
                h("td", {}, t.email || "—"),
                h("td", { title: fmtFull(t.updated_at) }, fmtTime(t.updated_at)),
              ),
            ),
          ),
        ),
      );
    }

    filter.addEventListener("change", () => {
      state.ticketFilter = filter.value;
      load();
    });
    load();
    return { refresh: load };
  }

  function ticketView(reference) {
    const seq = state.viewSeq;
    const title = h("h1", { id: "view-title", tabindex: "-1" }, reference);
    const meta = h("div", { class: "conv-meta" });
    const error = errorBox("ticket-error");
    const details = h("div", { id: "ticket-details" });
    const messages = h("ul", { id: "ticket-messages", class: "ticket-messages", "aria-live": "polite" });
    const replyText = h("textarea", { id: "ticket-reply-text", rows: "3", maxlength: "4000", "aria-describedby": "ticket-reply-hint" });
    const replySend = h("button", { type: "submit", id: "ticket-reply-send", class: "btn btn-primary" }, "Send reply");
    const replyHint = h("p", { id: "ticket-reply-hint", class: "hint" });
    const replyError = errorBox("ticket-reply-error");
    const replyForm = h(
      "form",
      { id: "ticket-reply-form", class: "composer" },
      h("label", { for: "ticket-reply-text", class: "composer-label" }, "Reply to the customer"),
      replyError,
      h("div", { class: "composer-row" }, replyText, replySend),
      replyHint,
    );
    const statusSelect = h(
      "select",
      { id: "ticket-status-select" },
      TICKET_STATUSES.map((s) => h("option", { value: s }, s[0].toUpperCase() + s.slice(1))),
    );
    const statusSave = h("button", { type: "submit", id: "ticket-status-save", class: "btn btn-secondary btn-sm" }, "Update status");
    const statusForm = h(
      "form",
      { id: "ticket-status-form", class: "inline-form" },
      h("label", { for: "ticket-status-select" }, "Status"),
      statusSelect,
      statusSave,
    );
    add(
      $("view"),
      h(
        "div",
        { class: "page-header" },
        h("div", {}, h("a", { href: "#/tickets", class: "back-link" }, "← Tickets"), title, meta),
        h("div", { class: "page-actions" }, statusForm),
      ),
      error,
      h(
        "div",
        { class: "ticket-layout" },
        h(
          "div",
          {},
          h("section", { class: "card", "aria-labelledby": "ticket-messages-title" }, h("h2", { id: "ticket-messages-title" }, "Messages"), messages),
          replyForm,
        ),
        h("aside", { class: "card", "aria-label": "Ticket details" }, details),
      ),
    );

    let ticket = null;

    async function load() {
      let data;
      try {
        data = await api("GET", `/tickets/${encodeURIComponent(reference)}`);
      } catch (err) {
        if (current(seq) && err.status !== 401) showError(error, err.message);
        return;
      }
      if (!current(seq)) return;
      ticket = data.ticket;
      title.textContent = `${ticket.reference}: ${ticket.subject}`;
      fill(meta, badge(ticket.status, ticketKind(ticket.status)), channelBadge(ticket.channel), h("span", { class: "muted small" }, `priority ${ticket.priority}`));
      statusSelect.value = ticket.status;
      fill(
        details,
        h("h2", {}, "Details"),
        dlPairs([
          ["Customer email", ticket.email || "unknown"],
          ["Channel", ticket.channel],
          ["Priority", ticket.priority],
          ["Opened", fmtFull(ticket.created_at)],
          ["Updated", fmtFull(ticket.updated_at)],
          [
            "Conversation",
            ticket.sender_id ? h("a", { href: `#/conversation/${encodeURIComponent(ticket.sender_id)}`, class: "mono" }, ticket.sender_id) : "none",
          ],
        ]),
        h("h3", {}, "Description"),
        h("div", { class: "pre", id: "ticket-description" }, ticket.description || "—"),
      );
      const list = data.messages || [];
      if (!list.length) fill(messages, h("li", { class: "empty" }, "No replies yet."));
      else
        fill(
          messages,
          list.map((m) =>
            h(
              "li",
              { class: `msg msg-${m.author === "agent" ? "agent" : m.author === "customer" ? "customer" : "system"}`, "data-testid": "ticket-message" },
              h(
                "div",
                { class: "msg-meta" },
                h("span", { class: "msg-who" }, m.author === "agent" ? `${m.agent || "Agent"} (agent)` : m.author),
                h("time", { class: "msg-time", title: fmtFull(m.created_at) }, fmtTime(m.created_at)),
              ),
              h("div", { class: "msg-text" }, m.text),
              m.author === "agent"
                ? h("div", { class: "small" }, m.delivered ? badge("delivered", "good") : badge(m.delivery_error ? `not delivered: ${m.delivery_error}` : "not delivered", "bad"))
                : null,
            ),
          ),
        );
      const canReply = Boolean(ticket.sender_id);
      replyText.disabled = !canReply;
      replySend.disabled = !canReply;
      replyHint.textContent = canReply
        ? `Delivered to the customer on ${ticket.channel}, in their conversation with the assistant.`
        : `This ticket has no conversation to answer in; reply by email${ticket.email ? ` to ${ticket.email}` : ""}.`;
    }

    replyForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = replyText.value.trim();
      if (!text) return;
      const done = await act(replySend, replyError, () => api("POST", `/tickets/${encodeURIComponent(reference)}/reply`, { text }));
      if (done && current(seq)) {
        replyText.value = "";
        toast("Reply delivered to the customer.");
        load();
      } else if (current(seq)) load(); // a failed delivery is recorded on the message
    });

    statusForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const done = await act(statusSave, error, () =>
        api("POST", `/tickets/${encodeURIComponent(reference)}/status`, { status: statusSelect.value }),
      );
      if (done && current(seq)) {
        toast(`Ticket ${reference} is now ${done.ticket.status}.`);
        load();
      }
    });

    load();
    return { refresh: load };
  }

  function dlPairs(pairs) {
    return h(
      "dl",
      { class: "kv" },
      pairs.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
    );
  }

  // ---- view: stats --------------------------------------------------------------------------

  const STAT_LABELS = {
    days: "Period (days)",
    count: "Ratings received",
    average: "Average rating (1–5)",
    csat_percent: "Satisfied (rated 4 or 5), %",
    low_ratings: "Low ratings (1 or 2)",
  };

  function statsView() {
    const seq = state.viewSeq;
    const days = h(
      "select",
      { id: "stats-days" },
      [7, 30, 90, 365].map((d) => h("option", { value: String(d), selected: d === state.statsDays }, `Last ${d} days`)),
    );
    const box = h("div", { id: "stats-body" });
    const error = errorBox("stats-error");
    add($("view"), pageHeader("Customer satisfaction", h("label", { for: "stats-days", class: "inline-label" }, "Period"), days), error, box);

    function value(v) {
      if (v === null || v === undefined) return "—";
      if (typeof v === "object") return JSON.stringify(v);
      return String(v);
    }

    async function load() {
      let data;
      try {
        data = await api("GET", `/stats?days=${state.statsDays}`);
      } catch (err) {
        if (current(seq) && err.status !== 401) showError(error, err.message);
        return;
      }
      if (!current(seq)) return;
      const sections = [];
      for (const [group, stats] of Object.entries(data)) {
        if (!stats || typeof stats !== "object") continue;
        const scalars = Object.entries(stats).filter(([, v]) => v === null || typeof v !== "object");
        const nested = Object.entries(stats).filter(([, v]) => v !== null && typeof v === "object");
        sections.push(
          h(
            "section",
            { class: "card" },
            h("h2", {}, group.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase())),
            h(
              "table",
              { class: "table table-kv", id: `stats-${group}`, "data-testid": "stats-table" },
              h("tbody", {}, scalars.map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, STAT_LABELS[k] || k.replace(/_/g, " ")), h("td", {}, value(v))))),
            ),
            nested.map(([k, rows]) => {
              const entries = Object.entries(rows);
              const columns = [...new Set(entries.flatMap(([, r]) => (r && typeof r === "object" ? Object.keys(r) : ["value"])))];
              return [
                h("h3", {}, k === "by_agent" ? "By agent" : k.replace(/_/g, " ")),
                entries.length
                  ? h(
                      "table",
                      { class: "table", id: `stats-${group}-${k}` },
                      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, k === "by_agent" ? "Agent" : "Name"), columns.map((c) => h("th", { scope: "col" }, STAT_LABELS[c] || c.replace(/_/g, " "))))),
                      h(
                        "tbody",
                        {},
                        entries.map(([name, r]) =>
                          h("tr", {}, h("th", { scope: "row" }, name), columns.map((c) => h("td", {}, value(r && typeof r === "object" ? r[c] : r)))),
                        ),
                      ),
                    )
                  : h("p", { class: "muted" }, "No ratings in this period."),
              ];
            }),
          ),
        );
      }
      fill(box, sections.length ? sections : h("p", { class: "empty" }, "No statistics yet."));
    }

    days.addEventListener("change", () => {
      state.statsDays = Number(days.value);
      load();
    });
    load();
    return { refresh: load };
  }

  // ---- view: agents (admins) ----------------------------------------------------------------

  function agentsView() {
    const seq = state.viewSeq;
    if (!state.me || state.me.role !== "admin") {
      add($("view"), pageHeader("Agents"), h("p", { class: "alert alert-info" }, "Only admins can manage agents."));
      return {};
    }
    const box = h("div", { id: "agents-body" });
    const error = errorBox("agents-error");
    const formError = errorBox("agent-form-error");
    const email = h("input", { id: "agent-email", type: "email", required: true, autocomplete: "off" });
    const name = h("input", { id: "agent-name-input", type: "text", autocomplete: "off", placeholder: "Shown to customers" });
    const password = h("input", {
      id: "agent-password",
      type: "password",
      required: true,
      minlength: "10",
      autocomplete: "new-password",
      "aria-describedby": "agent-password-hint",
    });
    const role = h("select", { id: "agent-role-select" }, h("option", { value: "agent" }, "Agent"), h("option", { value: "admin" }, "Admin"));
    const submit = h("button", { type: "submit", id: "agent-add", class: "btn btn-primary" }, "Add agent");
    const form = h(
      "form",
      { id: "agent-form", class: "form-grid", novalidate: true },
      formError,
      h("div", {}, h("label", { for: "agent-email" }, "Email"), email),
      h("div", {}, h("label", { for: "agent-name-input" }, "Name"), name),
      h(
        "div",
        {},
        h("label", { for: "agent-password" }, "Password"),
        password,
        h("p", { id: "agent-password-hint", class: "hint" }, "At least 10 characters. Share it privately."),
      ),
      h("div", {}, h("label", { for: "agent-role-select" }, "Role"), role),
      h("div", { class: "form-actions" }, submit),
    );
    add(
      $("view"),
      pageHeader("Agents"),
      error,
      h("section", { class: "card" }, h("h2", {}, "Team"), box),
      h("section", { class: "card" }, h("h2", {}, "Add an agent"), form),
    );

    async function load() {
      let data;
      try {
        data = await api("GET", "/agents");
      } catch (err) {
        if (current(seq) && err.status !== 401) showError(error, err.message);
        return;
      }
      if (!current(seq)) return;
      const agents = data.agents || [];
      fill(
        box,
        h(
          "table",
          { class: "table", id: "agents-table" },
          h("thead", {}, h("tr", {}, ["Name", "Email", "Role", "Account"].map((t) => h("th", { scope: "col" }, t)))),
          h(
            "tbody",
            {},
            agents.map((a) =>
              h(
                "tr",
                { "data-testid": "agent-row" },
                h("td", { class: "strong" }, a.name),
                h("td", {}, a.email),
                h("td", {}, a.role === "admin" ? badge("admin", "info") : badge("agent", "neutral")),
                h("td", {}, a.active ? badge("active", "good") : badge("disabled", "bad")),
              ),
            ),
          ),
        ),
      );
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!email.value.includes("@")) {
        showError(formError, "Enter the agent's email address.");
        email.focus();
        return;
      }
      if (password.value.length < 10) {
        showError(formError, "The password must have at least 10 characters.");
        password.focus();
        return;
      }
      const done = await act(submit, formError, () =>
        api("POST", "/agents", { email: email.value.trim(), name: name.value.trim(), password: password.value, role: role.value }),
      );
      if (done && current(seq)) {
        form.reset();
        toast(`Added ${done.agent.name} <${done.agent.email}>.`);
        load();
      }
    });

    load();
    return { refresh: load };
  }

  // ---- start --------------------------------------------------------------------------------

  async function boot() {
    try {
      const response = await fetch(`${API}/me`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        csrfToken = data.csrf_token || "";
        start(data.agent);
        return;
      }
    } catch (err) {
      showLogin("Can't reach the server; check the connection and reload the page.");
      return;
    }
    showLogin("");
  }

  // A failed async handler must not fail silently: say so (and log it for whoever debugs).
  window.addEventListener("unhandledrejection", (event) => {
    console.error("desk: unhandled error", event.reason);
    toast("Something went wrong; reload the page if it keeps happening.", "error");
  });

  boot();
})();
