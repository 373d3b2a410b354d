// The conversation view's customer context panel: reason, summary, customer, orders, tickets, history, knowledge base.

import { dlPairs, h } from "../dom.js";
import { badge, ticketKind } from "../badges.js";
import { fmtTime } from "../format.js";

function sideCard(titleText, id, ...body) {
  return h("section", { class: "side-card", id, "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, titleText), body);
}

/** A plain list of `items`, or a muted line saying there are none. */
function listOr(items, itemNode, emptyText) {
  return items.length ? h("ul", { class: "plain-list" }, items.map(itemNode)) : h("p", { class: "muted small" }, emptyText);
}

function reasonCard(ctx, h0) {
  return sideCard(
    "Why they need a person",
    "context-reason-card",
    h("p", { id: "context-reason", "data-testid": "context-reason" }, ctx.reason || (h0 && h0.reason_text) || "No handoff: the assistant is handling this conversation."),
    h0 && h0.ticket_reference
      ? h("p", { class: "small" }, "Ticket: ", h("a", { href: `#/tickets/${encodeURIComponent(h0.ticket_reference)}` }, h0.ticket_reference))
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
    customer.email_verified ? badge("verified", "good") : badge("not verified", "warn"),
    customer.email_source ? h("span", { class: "small muted" }, ` (${customer.email_source})`) : null,
  );
}

function nameNode(customer) {
  if (!customer.name) return null;
  return h("span", {}, customer.name, customer.name_verified ? null : h("span", { class: "small muted" }, " (as given, not verified)"));
}

function customerCard(ctx, h0, senderId) {
  const customer = ctx.customer || {};
  const earlier = ctx.earlier_conversations || 0;
  return sideCard(
    "Customer",
    "context-customer",
    earlier
      ? h(
          "p",
          { class: "returning", "data-testid": "returning-customer" },
          badge("returning customer", "info"),
          ` ${earlier} earlier conversation${earlier === 1 ? "" : "s"}`,
        )
      : null,
    dlPairs([
      ["Name", nameNode(customer)],
      ["Email", emailNode(customer) || "unknown"],
      ["Channel", customer.channel || (h0 && h0.channel)],
      ["Platform ID", customer.platform_id !== senderId ? customer.platform_id : null],
      ["Conversation", h("span", { class: "mono" }, senderId)],
      ["Verified order", ctx.verified_order],
    ]),
  );
}

function orderNode(o) {
  return h(
    "li",
    {},
    h("div", { class: "strong" }, `#${o.number} `, badge(o.status, "neutral"), " ", o.total),
    h("div", { class: "muted small" }, `Placed ${fmtTime(o.placed_at)}`, o.carrier ? ` · ${o.carrier} ${o.tracking_number || ""}` : ""),
    o.items && o.items.length ? h("div", { class: "small" }, o.items.join(", ")) : null,
  );
}

function ordersCard(ctx) {
  const orders = ctx.orders || [];
  const none = (ctx.customer || {}).email ? "No orders for this email." : "No email known, so no orders found.";
  return sideCard(`Orders (${orders.length})`, "context-orders", listOr(orders, orderNode, none));
}

function ticketNode(t) {
  return h(
    "li",
    {},
    h("a", { href: `#/tickets/${encodeURIComponent(t.reference)}` }, t.reference),
    " ",
    badge(t.status, ticketKind(t.status)),
    h("div", { class: "small" }, t.subject),
  );
}

function ticketsCard(ctx) {
  const tickets = ctx.tickets || [];
  return sideCard(`Tickets (${tickets.length})`, "context-tickets", listOr(tickets, ticketNode, "No tickets."));
}

function earlierNode(e) {
  return h(
    "li",
    {},
    h("a", { href: `#/handoff/${e.id}` }, fmtTime(e.created_at) || `#${e.id}`),
    " ",
    badge(e.status, "neutral"),
    e.agent_name ? h("span", { class: "small" }, ` with ${e.agent_name}`) : null,
    h("div", { class: "small" }, e.reason_text),
  );
}

function earlierCard(ctx) {
  return sideCard(
    "Earlier conversations",
    "context-earlier",
    listOr(ctx.earlier_handoffs || [], earlierNode, "No earlier handoffs."),
    ctx.earlier_sessions ? h("p", { class: "muted small" }, `${ctx.earlier_sessions} earlier session(s) with the assistant in this conversation.`) : null,
  );
}

function ratingBadge(helpful) {
  if (helpful === true) return badge("rated helpful", "good");
  if (helpful === false) return badge("rated not helpful", "bad");
  return badge("not rated", "neutral");
}

function knowledgeNode(k) {
  return h(
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
    ratingBadge(k.helpful),
  );
}

function knowledgeCard(ctx) {
  const list = listOr(ctx.knowledge || [], knowledgeNode, "The knowledge base was not used.");
  return sideCard("Knowledge base tried", "context-knowledge", list);
}

/** The side cards for a conversation's context `ctx`, its handoff `h0` (or null) and its sender id. */
export function contextCards(ctx, h0, senderId) {
  return [
    reasonCard(ctx, h0),
    sideCard("Summary", "context-summary-card", h("p", { id: "context-summary", "data-testid": "context-summary" }, ctx.summary || "—")),
    customerCard(ctx, h0, senderId),
    ordersCard(ctx),
    ticketsCard(ctx),
    earlierCard(ctx),
    knowledgeCard(ctx),
  ];
}
