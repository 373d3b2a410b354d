// The one-ticket view: details, messages with delivery state, replying to the customer and changing the status.

import { $, add, dlPairs, errorBox, fill, h, toast } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { badge, channelBadge, ticketKind } from "../badges.js";
import { fmtFull, fmtTime } from "../format.js";
import { current, state } from "../state.js";
import { ticketStatusOptions } from "./tickets.js";

function detailsNodes(ticket) {
  return [
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
  ];
}

function deliveryBadge(m) {
  return m.delivered ? badge("delivered", "good") : badge(m.delivery_error ? `not delivered: ${m.delivery_error}` : "not delivered", "bad");
}

function messageNode(m) {
  return h(
    "li",
    { class: `msg msg-${m.author === "agent" ? "agent" : m.author === "customer" ? "customer" : "system"}`, "data-testid": "ticket-message" },
    h(
      "div",
      { class: "msg-meta" },
      h("span", { class: "msg-who" }, m.author === "agent" ? `${m.agent || "Agent"} (agent)` : m.author),
      h("time", { class: "msg-time", title: fmtFull(m.created_at) }, fmtTime(m.created_at)),
    ),
    h("div", { class: "msg-text" }, m.text),
    m.author === "agent" ? h("div", { class: "small" }, deliveryBadge(m)) : null,
  );
}

function replyHintFor(ticket, canReply) {
  return canReply
    ? `Delivered to the customer on ${ticket.channel}, in their conversation with the assistant.`
    : `This ticket has no conversation to answer in; reply by email${ticket.email ? ` to ${ticket.email}` : ""}.`;
}

export function ticketView(reference) {
  const seq = state.viewSeq;
  const path = `/tickets/${encodeURIComponent(reference)}`;
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
  const statusSelect = h("select", { id: "ticket-status-select" }, ticketStatusOptions());
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

  async function load() {
    const data = await getForView(seq, error, path);
    if (!data) return;
    const ticket = data.ticket;
    title.textContent = `${ticket.reference}: ${ticket.subject}`;
    fill(meta, badge(ticket.status, ticketKind(ticket.status)), channelBadge(ticket.channel), h("span", { class: "muted small" }, `priority ${ticket.priority}`));
    statusSelect.value = ticket.status;
    fill(details, detailsNodes(ticket));
    const list = data.messages || [];
    if (!list.length) fill(messages, h("li", { class: "empty" }, "No replies yet."));
    else fill(messages, list.map(messageNode));
    const canReply = Boolean(ticket.sender_id);
    replyText.disabled = !canReply;
    replySend.disabled = !canReply;
    replyHint.textContent = replyHintFor(ticket, canReply);
  }

  async function sendReply(event) {
    event.preventDefault();
    const text = replyText.value.trim();
    if (!text) return;
    const done = await act(replySend, replyError, () => api("POST", `${path}/reply`, { text }));
    if (done && current(seq)) {
      replyText.value = "";
      toast("Reply delivered to the customer.");
      load();
    } else if (current(seq)) load(); // a failed delivery is recorded on the message
  }

  async function saveStatus(event) {
    event.preventDefault();
    const done = await act(statusSave, error, () => api("POST", `${path}/status`, { status: statusSelect.value }));
    if (done && current(seq)) {
      toast(`Ticket ${reference} is now ${done.ticket.status}.`);
      load();
    }
  }

  replyForm.addEventListener("submit", sendReply);
  statusForm.addEventListener("submit", saveStatus);
  load();
  return { refresh: load };
}
