// The coloured pills (channel, priority, owner, ticket status), who a conversation belongs to, and
// the words for the statuses the server sends as codes.

import { h } from "./dom.js";
import { t, tOr } from "./texts.js";

const PRIORITY = ["handoff_priority_0", "handoff_priority_1", "handoff_priority_2"];

export function badge(text, kind) {
  return h("span", { class: `pill pill-${kind || "neutral"}` }, text);
}

export function channelBadge(channel) {
  return badge(channel || t("unknown"), `channel-${(channel || "unknown").replace(/[^a-z0-9]/gi, "")}`);
}

export function priorityBadge(priority) {
  const level = Math.max(0, Math.min(2, Number(priority) || 0));
  return badge(t(PRIORITY[level]), ["neutral", "warn", "bad"][level]);
}

/** A ticket status as the desk shows it ("open"; a status it does not know as sent). */
export function ticketStatusText(status) {
  return tOr(`ticket_status_${status}`, status);
}

/** A ticket priority as the desk shows it ("normal"; one it does not know as sent). */
export function ticketPriorityText(priority) {
  return tOr(`ticket_priority_${priority}`, priority);
}

/** A handoff status as the desk shows it ("resolved"; one it does not know as sent). */
export function handoffStatusText(status) {
  return tOr(`handoff_status_${status}`, status);
}

export function ticketKind(status) {
  return { open: "warn", pending: "info", resolved: "good", closed: "neutral" }[status] || "neutral";
}

export function ownerOf(handoff) {
  if (!handoff) return "bot";
  if (handoff.status === "assigned") return "agent";
  if (handoff.status === "queued") return "queue";
  return "bot";
}

export function ownerBadge(owner, agentName) {
  if (owner === "agent") return badge(agentName ? t("owner_agent_named", { name: agentName }) : t("owner_agent"), "good");
  if (owner === "queue") return badge(t("owner_queue"), "warn");
  return badge(t("owner_bot"), "neutral");
}

export function customerLabel(handoff, context) {
  const customer = (context && context.customer) || {};
  return (
    (handoff && (handoff.customer_name || handoff.customer_email)) ||
    customer.name ||
    customer.email ||
    t("customer_fallback")
  );
}
