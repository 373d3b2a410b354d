// The coloured pills (channel, priority, owner, ticket status) and who a conversation belongs to.

import { h } from "./dom.js";

const PRIORITY = ["Normal", "Elevated", "High"];

export function badge(text, kind) {
  return h("span", { class: `pill pill-${kind || "neutral"}` }, text);
}

export function channelBadge(channel) {
  return badge(channel || "unknown", `channel-${(channel || "unknown").replace(/[^a-z0-9]/gi, "")}`);
}

export function priorityBadge(priority) {
  const level = Math.max(0, Math.min(2, Number(priority) || 0));
  return badge(PRIORITY[level], ["neutral", "warn", "bad"][level]);
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
  if (owner === "agent") return badge(agentName ? `Agent: ${agentName}` : "Agent", "good");
  if (owner === "queue") return badge("Waiting in queue", "warn");
  return badge("Assistant", "neutral");
}

export function customerLabel(handoff, context) {
  const customer = (context && context.customer) || {};
  return (
    (handoff && (handoff.customer_name || handoff.customer_email)) ||
    customer.name ||
    customer.email ||
    "Website visitor"
  );
}
