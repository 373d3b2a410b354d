// The conversation view's customer context panel: reason, summary, customer, orders, tickets, history, knowledge base.

import { dlPairs, h } from "../dom.js";
import { badge, handoffStatusText, ticketKind, ticketStatusText } from "../badges.js";
import { fmtTime } from "../format.js";
import { t, tOr } from "../texts.js";

function sideCard(titleText, id, ...body) {
  return h("section", { class: "side-card", id, "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, titleText), body);
}

/** A plain list of `items`, or a muted line saying there are none. */
function listOr(items, itemNode, emptyText) {
  return items.length ? h("ul", { class: "plain-list" }, items.map(itemNode)) : h("p", { class: "muted small" }, emptyText);
}

function reasonCard(ctx, h0) {
  return sideCard(
    t("context_reason_title"),
    "context-reason-card",
    h("p", { id: "context-reason", "data-testid": "context-reason" }, ctx.reason || (h0 && h0.reason_text) || t("context_no_handoff")),
    h0 && h0.ticket_reference
      ? h("p", { class: "small" }, t("context_ticket"), " ", h("a", { href: `#/tickets/${encodeURIComponent(h0.ticket_reference)}` }, h0.ticket_reference))
      : null,
  );
}

// Only what a channel or an order lookup verified carries the "verified" badge; anything a
// client or the customer typed says so, and where it came from.
function emailNode(customer) {
  if (!customer.email) return null;
  return h(
    "span",
    { "data-testid": "context-email" },
    customer.email,
    " ",
    customer.email_verified ? badge(t("context_verified"), "good") : badge(t("context_not_verified"), "warn"),
    customer.email_source ? h("span", { class: "small muted" }, ` (${customer.email_source})`) : null,
  );
}

function nameNode(customer) {
  if (!customer.name) return null;
  return h("span", {}, customer.name, customer.name_verified ? null : h("span", { class: "small muted" }, " ", t("context_name_unverified")));
}

/** The conversation's language ("ja" -> "Japanese (日本語)"; a code without a name as sent), or null. */
function languageNode(customer) {
  if (!customer.language) return null;
  return h("span", { "data-testid": "context-language" }, tOr(`language_${customer.language}`, String(customer.language)));
}

function customerCard(ctx, h0, senderId) {
  const customer = ctx.customer || {};
  const earlier = ctx.earlier_conversations || 0;
  return sideCard(
    t("context_customer_title"),
    "context-customer",
    earlier
      ? h(
          "p",
          { class: "returning", "data-testid": "returning-customer" },
          badge(t("context_returning"), "info"),
          " ",
          t("earlier_conversations", { count: earlier }),
        )
      : null,
    dlPairs([
      [t("field_name"), nameNode(customer)],
      [t("field_email"), emailNode(customer) || t("unknown")],
      [t("field_channel"), customer.channel || (h0 && h0.channel)],
      [t("field_language"), languageNode(customer)],
      [t("field_platform_id"), customer.platform_id !== senderId ? customer.platform_id : null],
      [t("field_conversation"), h("span", { class: "mono" }, senderId)],
      [t("field_verified_order"), ctx.verified_order],
    ]),
  );
}

function orderNode(o) {
  return h(
    "li",
    {},
    h("div", { class: "strong" }, `#${o.number} `, badge(o.status, "neutral"), " ", o.total),
    h("div", { class: "muted small" }, t("context_order_placed", { time: fmtTime(o.placed_at) }), o.carrier ? ` · ${o.carrier} ${o.tracking_number || ""}` : ""),
    o.items && o.items.length ? h("div", { class: "small" }, o.items.join(", ")) : null,
  );
}

function ordersCard(ctx) {
  const orders = ctx.orders || [];
  const none = (ctx.customer || {}).email ? t("context_no_orders") : t("context_no_email");
  return sideCard(t("context_orders_title", { count: orders.length }), "context-orders", listOr(orders, orderNode, none));
}

function ticketNode(ticket) {
  return h(
    "li",
    {},
    h("a", { href: `#/tickets/${encodeURIComponent(ticket.reference)}` }, ticket.reference),
    " ",
    badge(ticketStatusText(ticket.status), ticketKind(ticket.status)),
    h("div", { class: "small" }, ticket.subject),
  );
}

function ticketsCard(ctx) {
  const tickets = ctx.tickets || [];
  return sideCard(t("context_tickets_title", { count: tickets.length }), "context-tickets", listOr(tickets, ticketNode, t("context_no_tickets")));
}

function earlierNode(e) {
  return h(
    "li",
    {},
    h("a", { href: `#/handoff/${e.id}` }, fmtTime(e.created_at) || `#${e.id}`),
    " ",
    badge(handoffStatusText(e.status), "neutral"),
    e.agent_name ? h("span", { class: "small" }, " ", t("context_with_agent", { name: e.agent_name })) : null,
    h("div", { class: "small" }, e.reason_text),
  );
}

function earlierCard(ctx) {
  return sideCard(
    t("context_earlier_title"),
    "context-earlier",
    listOr(ctx.earlier_handoffs || [], earlierNode, t("context_no_earlier")),
    ctx.earlier_sessions ? h("p", { class: "muted small" }, t("context_earlier_sessions", { count: ctx.earlier_sessions })) : null,
  );
}

function ratingBadge(helpful) {
  if (helpful === true) return badge(t("context_rated_helpful"), "good");
  if (helpful === false) return badge(t("context_rated_unhelpful"), "bad");
  return badge(t("context_not_rated"), "neutral");
}

function knowledgeNode(k) {
  return h(
    "li",
    {},
    h("div", {}, t("quoted", { text: k.query || "" })),
    h(
      "div",
      { class: "small muted" },
      k.doc_id ? `${k.doc_id} · ` : "",
      k.outcome || "",
      k.score !== null && k.score !== undefined ? ` · ${t("context_score", { score: k.score })}` : "",
      " · ",
    ),
    ratingBadge(k.helpful),
  );
}

function knowledgeCard(ctx) {
  const list = listOr(ctx.knowledge || [], knowledgeNode, t("context_kb_unused"));
  return sideCard(t("context_kb_title"), "context-knowledge", list);
}

/** The side cards for a conversation's context `ctx`, its handoff `h0` (or null) and its sender id. */
export function contextCards(ctx, h0, senderId) {
  return [
    reasonCard(ctx, h0),
    sideCard(t("context_summary_title"), "context-summary-card", h("p", { id: "context-summary", "data-testid": "context-summary" }, ctx.summary || "—")),
    customerCard(ctx, h0, senderId),
    ordersCard(ctx),
    ticketsCard(ctx),
    earlierCard(ctx),
    knowledgeCard(ctx),
  ];
}
