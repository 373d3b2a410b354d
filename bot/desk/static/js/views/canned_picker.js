// Canned replies in the reply box: type "/" and a shortcut (or press the "Canned replies" button),
// pick one with the arrow keys and Enter or Tab (or the mouse); its placeholders are filled from the
// conversation's context, and the agent can still edit the text before sending.

import { h } from "../dom.js";
import { api } from "../api.js";
import { state } from "../state.js";
import { t } from "../texts.js";

const TOKEN = /(^|\s)\/([a-z0-9_-]{0,40})$/i; // "/ref" right before the caret

// What each placeholder becomes when the conversation does not tell (so a reply always reads well).
const FALLBACKS = { first_name: "there", customer_name: "there", order_number: "your order", ticket_reference: "your ticket" };

/** The placeholders' values for a conversation: its context package and handoff, and the agent. */
export function placeholderValues(context, h0) {
  const ctx = context || {};
  const customer = ctx.customer || {};
  const name = (customer.name || "").trim();
  const orders = ctx.orders || [];
  const tickets = ctx.tickets || [];
  return {
    customer_name: name,
    first_name: name.split(/\s+/)[0] || "",
    order_number: ctx.verified_order || (orders[0] && orders[0].number) || "",
    ticket_reference: (h0 && h0.ticket_reference) || (tickets[0] && tickets[0].reference) || "",
    agent_name: (state.me && state.me.name) || "",
  };
}

/** A reply's text with its placeholders filled; unknown {words} stay as written. */
export function expand(text, values) {
  return text.replace(/\{([a-z_]+)\}/g, (match, key) => {
    if (!(key in FALLBACKS) && key !== "agent_name") return match;
    return String(values[key] || FALLBACKS[key] || "");
  });
}

/**
 * Attach the picker to `textarea`; `values()` gives the placeholders' current values. Returns the
 * nodes to place (the button and the suggestion list) and `handleKey(event)`, which the composer
 * calls first on keydown (true: the picker used the key).
 */
export function createCannedPicker(textarea, values) {
  let replies = null; // loaded on first use
  let shown = [];
  let active = 0;
  let token = null; // {start, end} of the "/shortcut" being typed; null when opened by the button

  const list = h("ul", { id: "canned-list", class: "canned-list", role: "listbox", "aria-label": t("section_canned"), hidden: true });
  const button = h(
    "button",
    { type: "button", id: "canned-button", class: "btn btn-ghost btn-sm", "aria-haspopup": "listbox", "aria-controls": "canned-list", "aria-expanded": "false" },
    t("section_canned"),
  );
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", "canned-list");

  let loading = null;
  function load() {
    // One request however many keys are typed while it runs.
    if (replies !== null) return Promise.resolve(replies);
    loading =
      loading ||
      api("GET", "/canned")
        .then((data) => (replies = data.replies || []))
        .catch(() => [])
        .finally(() => (loading = null));
    return loading;
  }

  /** The "/shortcut" right before the caret now, as {start, end, query}, or null. */
  function typedToken() {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = before.match(TOKEN);
    if (!match) return null;
    return { start: before.length - match[2].length - 1, end: textarea.selectionStart, query: match[2] };
  }

  function close() {
    list.hidden = true;
    shown = [];
    token = null;
    button.setAttribute("aria-expanded", "false");
    textarea.removeAttribute("aria-activedescendant");
  }

  function render() {
    list.replaceChildren(
      ...shown.map((r, i) =>
        h(
          "li",
          {
            id: `canned-option-${r.id}`,
            role: "option",
            class: "canned-option",
            "aria-selected": String(i === active),
            "data-testid": "canned-option",
            onmousedown: (event) => {
              event.preventDefault(); // keep the focus in the reply box
              choose(r);
            },
          },
          h("span", { class: "mono" }, `/${r.shortcut}`),
          " ",
          h("span", { class: "strong" }, r.title),
          r.shared ? null : h("span", { class: "muted small" }, " · ", t("canned_kind_yours")),
          h("div", { class: "muted small canned-preview" }, r.text.length > 90 ? `${r.text.slice(0, 90)}…` : r.text),
        ),
      ),
    );
    if (!shown.length) list.replaceChildren(h("li", { class: "muted small canned-empty" }, t("canned_no_match")));
    list.hidden = false;
    button.setAttribute("aria-expanded", "true");
    if (shown[active]) textarea.setAttribute("aria-activedescendant", `canned-option-${shown[active].id}`);
  }

  function choose(reply) {
    const text = expand(reply.text, values());
    const value = textarea.value;
    const range = token ? typedToken() : null; // what is typed now, not when the list opened
    const start = range ? range.start : textarea.selectionStart;
    const end = range ? range.end : textarea.selectionEnd;
    textarea.value = value.slice(0, start) + text + value.slice(end);
    const caret = start + text.length;
    textarea.setSelectionRange(caret, caret);
    close();
    textarea.focus();
    textarea.dispatchEvent(new Event("input"));
  }

  async function openFor(query, range) {
    const all = await load();
    if (range) {
      const now = typedToken(); // more keys may have come while the list loaded
      if (!now) return close();
      query = now.query;
      range = now;
    }
    const q = query.toLowerCase();
    shown = all.filter((r) => r.shortcut.startsWith(q) || (q && r.title.toLowerCase().includes(q))).slice(0, 8);
    active = 0;
    token = range;
    render();
  }

  textarea.addEventListener("input", () => {
    const typed = typedToken();
    if (!typed) {
      if (token) close();
      return;
    }
    openFor(typed.query, typed);
  });
  textarea.addEventListener("blur", () => setTimeout(close, 150));
  button.addEventListener("click", () => {
    if (!list.hidden) return close();
    openFor("", null);
    textarea.focus();
  });

  function handleKey(event) {
    if (list.hidden || !shown.length) {
      if (!list.hidden && event.key === "Escape") {
        close();
        return true;
      }
      return false;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      active = (active + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
      render();
      return true;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      choose(shown[active]);
      return true;
    }
    if (event.key === "Escape") {
      close();
      return true;
    }
    return false;
  }

  return { button, list, handleKey, reset: () => (replies = null) };
}
