// The one-ticket view: details, messages with delivery state, replying to the customer and changing the status.

import { $, add, dlPairs, errorBox, fill, h, toast } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { badge, channelBadge, ticketKind, ticketPriorityText, ticketStatusText } from "../badges.js";
import { fmtFull, fmtTime } from "../format.js";
import { current, state } from "../state.js";
import { t, tOr } from "../texts.js";
import { createLabelsEditor } from "./labels_editor.js";
import { ticketStatusOptions } from "./tickets.js";

function detailsNodes(ticket) {
  return [
    h("h2", {}, t("ticket_details")),
    dlPairs([
      [t("field_customer_email"), ticket.email || t("unknown")],
      [t("field_channel"), ticket.channel],
      [t("field_priority"), ticketPriorityText(ticket.priority)],
      [t("field_opened"), fmtFull(ticket.created_at)],
      [t("field_updated"), fmtFull(ticket.updated_at)],
      [
        t("field_conversation"),
        ticket.sender_id ? h("a", { href: `#/conversation/${encodeURIComponent(ticket.sender_id)}`, class: "mono" }, ticket.sender_id) : t("none"),
      ],
    ]),
    h("h3", {}, t("ticket_description")),
    h("div", { class: "pre", id: "ticket-description" }, ticket.description || "—"),
  ];
}

function deliveryBadges(m) {
  const chat = m.delivered
    ? badge(t("ticket_in_chat"), "good")
    : m.delivery_error ? badge(t("ticket_not_in_chat", { error: m.delivery_error }), "bad") : null;
  const email = m.emailed_to
    ? badge(t("emailed_to", { email: m.emailed_to }), "good")
    : m.email_error ? badge(t("ticket_email_failed", { error: m.email_error }), "bad") : null;
  return chat || email ? [chat, email] : [badge(t("ticket_not_delivered"), "bad")];
}

function messageNode(m) {
  return h(
    "li",
    { class: `msg msg-${m.author === "agent" ? "agent" : m.author === "customer" ? "customer" : "system"}`, "data-testid": "ticket-message" },
    h(
      "div",
      { class: "msg-meta" },
      h("span", { class: "msg-who" }, m.author === "agent" ? t("who_agent_named", { name: m.agent || t("who_agent") }) : tOr(`ticket_author_${m.author}`, m.author)),
      h("time", { class: "msg-time", title: fmtFull(m.created_at) }, fmtTime(m.created_at)),
    ),
    h("div", { class: "msg-text" }, m.text),
    m.author === "agent" ? h("div", { class: "small" }, ...deliveryBadges(m)) : null,
  );
}

// Where a reply goes, in words: the chat (at once, or kept for a REST app's next request) and/or email.
function routesText(routes, channel) {
  const parts = [];
  if (routes.chat === "push") parts.push(t("ticket_route_push", { channel }));
  if (routes.chat === "kept") parts.push(t("ticket_route_kept"));
  if (routes.email) parts.push(t("emailed_to", { email: routes.email }));
  return parts.join(t("ticket_routes_joiner"));
}

function replyHintFor(ticket, routes) {
  const text = routesText(routes, ticket.channel);
  if (text) return t("ticket_reply_routes", { routes: text });
  return ticket.email ? t("ticket_no_route_email", { email: ticket.email }) : t("ticket_no_route");
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
  const replySend = h("button", { type: "submit", id: "ticket-reply-send", class: "btn btn-primary" }, t("ticket_send_reply"));
  const replyHint = h("p", { id: "ticket-reply-hint", class: "hint" });
  const replyError = errorBox("ticket-reply-error");
  const replyForm = h(
    "form",
    { id: "ticket-reply-form", class: "composer" },
    h("label", { for: "ticket-reply-text", class: "composer-label" }, t("reply_to_customer")),
    replyError,
    h("div", { class: "composer-row" }, replyText, replySend),
    replyHint,
  );
  const statusSelect = h("select", { id: "ticket-status-select" }, ticketStatusOptions());
  const statusSave = h("button", { type: "submit", id: "ticket-status-save", class: "btn btn-secondary btn-sm" }, t("ticket_update_status"));
  const statusForm = h(
    "form",
    { id: "ticket-status-form", class: "inline-form" },
    h("label", { for: "ticket-status-select" }, t("field_status")),
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
      h("div", {}, h("a", { href: "#/tickets", class: "back-link" }, t("ticket_back")), title, meta, labelsSlot),
      h("div", { class: "page-actions" }, statusForm),
    ),
    error,
    h(
      "div",
      { class: "ticket-layout" },
      h(
        "div",
        {},
        h("section", { class: "card", "aria-labelledby": "ticket-messages-title" }, h("h2", { id: "ticket-messages-title" }, t("ticket_messages")), messages),
        replyForm,
      ),
      h("aside", { class: "card", "aria-label": t("ticket_details_label") }, details),
    ),
  );

  async function load() {
    const data = await getForView(seq, error, path);
    if (!data) return;
    const ticket = data.ticket;
    title.textContent = `${ticket.reference}: ${ticket.subject}`;
    fill(
      meta,
      badge(ticketStatusText(ticket.status), ticketKind(ticket.status)),
      channelBadge(ticket.channel),
      h("span", { class: "muted small" }, t("ticket_priority_line", { priority: ticketPriorityText(ticket.priority) })),
    );
    statusSelect.value = ticket.status;
    if (!labelsEditor) {
      labelsEditor = createLabelsEditor("ticket", ticket.reference);
      fill(labelsSlot, labelsEditor.box);
    }
    labelsEditor.render(data.labels || []);
    fill(details, detailsNodes(ticket));
    const list = data.messages || [];
    if (!list.length) fill(messages, h("li", { class: "empty" }, t("ticket_no_replies")));
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
      const words = reached.map(([name, r]) =>
        name === "email" ? t("emailed_to", { email: r.to }) : r.how === "kept" ? t("ticket_sent_kept") : t("ticket_sent_chat"),
      );
      const sent = t("ticket_reply_sent", { routes: words.join(t("ticket_sent_joiner")) });
      const notSent = failed.length ? t("ticket_reply_not_delivered", { channels: failed.map(([name]) => name).join(", ") }) : "";
      toast(notSent ? `${sent} ${notSent}` : sent);
      load();
    } else if (current(seq)) load(); // a failed delivery is recorded on the message
  }

  async function saveStatus(event) {
    event.preventDefault();
    const done = await act(statusSave, error, () => api("POST", `${path}/status`, { status: statusSelect.value }));
    if (done && current(seq)) {
      toast(t("ticket_now", { reference, status: ticketStatusText(done.ticket.status) }));
      load();
    }
  }

  replyForm.addEventListener("submit", sendReply);
  statusForm.addEventListener("submit", saveStatus);
  load();
  return { refresh: load };
}
