// Hash routing: which view the address shows (#/queue, #/handoff/<id>, #/tickets/<ref>, #/analytics, …) and the nav's current section.

import { $ } from "./dom.js";
import { state } from "./state.js";
import { agentsView } from "./views/agents.js";
import { analyticsView } from "./views/analytics.js";
import { cannedView } from "./views/canned.js";
import { conversationsView } from "./views/conversations.js";
import { handoffView } from "./views/handoff.js";
import { queueView } from "./views/queue.js";
import { statsView } from "./views/stats.js";
import { ticketView } from "./views/ticket.js";
import { ticketsView } from "./views/tickets.js";

export function stopView() {
  if (state.view && state.view.stop) state.view.stop();
  state.view = null;
}

/** The view's name and its argument from the address; a malformed argument is dropped. */
function parseHash() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [name, ...rest] = hash.split("/");
  let arg = rest.length ? rest.join("/") : null;
  try {
    arg = arg === null ? null : decodeURIComponent(arg);
  } catch (err) {
    arg = null; // a malformed address: show the section's list instead
  }
  return [name, arg];
}

/** Start the view for `name`; returns the nav section it belongs to. */
function openView(name, arg) {
  if (name === "handoff" && arg) state.view = handoffView({ handoffId: Number(arg) });
  else if (name === "conversation" && arg) {
    state.view = handoffView({ senderId: arg });
    return "conversations";
  } else if (name === "conversations") state.view = conversationsView();
  else if (name === "tickets" && arg) state.view = ticketView(arg);
  else if (name === "tickets") state.view = ticketsView();
  else if (name === "stats") state.view = statsView();
  else if (name === "agents") state.view = agentsView();
  else if (name === "canned") state.view = cannedView();
  else if (name === "analytics") state.view = analyticsView();
  else {
    state.view = queueView();
    return "queue";
  }
  return name === "handoff" ? "queue" : name || "queue";
}

function markSection(section) {
  document.querySelectorAll("[data-nav]").forEach((link) => {
    if (link.dataset.nav === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
}

export function route(initial) {
  if (!state.me) return;
  const [name, arg] = parseHash();
  stopView();
  state.viewSeq += 1;
  const view = $("view");
  view.replaceChildren();
  markSection(openView(name, arg));
  if (!initial) {
    const title = view.querySelector("h1");
    if (title) title.focus({ preventScroll: true });
  }
}

export function initRouter() {
  window.addEventListener("hashchange", () => route(false));
}
