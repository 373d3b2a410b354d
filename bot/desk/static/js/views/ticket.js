// The one-ticket view: details, messages with delivery state, replying to the customer and changing the status.

import { $, add, dlPairs, errorBox, fill, h, toast } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { badge, channelBadge, ticketKind } from "../badges.js";
import { fmtFull, fmtTime } from "../format.js";
import { current, state } from "../state.js";
import { createLabelsEditor } from "./labels_editor.js";
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

function deliveryBadges(m) {
  const chat = m.delivered
    ? badge("in the chat", "good")
    : m.delivery_error ? badge(`not in the chat: ${m.delivery_error}`, "bad") : null;
  const email = m.emailed_to
    ? badge(`emailed to ${m.emailed_to}`, "good")
    : m.email_error ? badge(`email failed: ${m.email_error}`, "bad") : null;
  return chat || email ? [chat, email] : [badge("not delivered", "bad")];
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
    m.author === "agent" ? h("div", { class: "small" }, ...deliveryBadges(m)) : null,
  );
}

// Where a reply goes, in words: the chat (at once, or kept for a REST app's next request) and/or email.
function routesText(routes, channel) {
  const parts = [];
  if (routes.chat === "push") parts.push(`sent to the customer's conversation on ${channel}`);
  if (routes.chat === "kept") parts.push("kept in the conversation for the customer's app to collect with its next request (this channel cannot push)");
  if (routes.email) parts.push(`emailed to ${routes.email}`);
  return parts.join(", and ");
}

function replyHintFor(ticket, routes) {
  const text = routesText(routes, ticket.channel);
  if (text) return `Your reply will be ${text}.`;
  return `This ticket has no conversation to answer in and email is not set up (SMTP_HOST); reply from your mailbox${ticket.email ? ` to ${ticket.email}` : ""}.`;
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
  const labelsSlot = h("div", { id: "ticket-labels" });
  let labelsEditor = null;
  add(
    $("view"),
    h(
      "div",
      { class: "page-header" },
      h("div", {}, h("a", { href: "#/tickets", class: "back-link" }, "← Tickets"), title, meta, labelsSlot),
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
    if (!labelsEditor) {
      labelsEditor = createLabelsEditor("ticket", ticket.reference);
      fill(labelsSlot, labelsEditor.box);
    }
    labelsEditor.render(data.labels || []);
    fill(details, detailsNodes(ticket));
    const list = data.messages || [];
    if (!list.length) fill(messages, h("li", { class: "empty" }, "No replies yet."));
    else fill(messages, list.map(messageNode));
    const routes = data.routes || {};
    const canReply = Boolean(routes.chat || routes.email);
    replyText.disabled = !canReply;
    replySend.disabled = !canReply;
    replyHint.textContent = replyHintFor(ticket, routes);
  }

  async function sendReply(event) {
    event.preventDefault();
    const text = replyText.value.trim();
    if (!text) return;
    const done = await act(replySend, replyError, () => api("POST", `${path}/reply`, { text }));
    if (done && current(seq)) {
      replyText.value = "";
      const reached = Object.entries(done.routes || {}).filter(([, r]) => r && r.ok);
      const failed = Object.entries(done.routes || {}).filter(([, r]) => r && !r.ok);
      const words = reached.map(([name, r]) => (name === "email" ? `emailed to ${r.to}` : r.how === "kept" ? "kept for the customer's app" : "sent in the chat"));
      toast(`Reply ${words.join(" and ")}.${failed.length ? ` Not delivered: ${failed.map(([name]) => name).join(", ")} (see the message).` : ""}`);
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
