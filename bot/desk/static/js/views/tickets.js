// The tickets list view, filtered by status, and the ticket statuses shared with the one-ticket view.

import { $, add, errorBox, fill, h, pageHeader, showError, tableHead } from "../dom.js";
import { getForView } from "../api.js";
import { badge, channelBadge, ticketKind } from "../badges.js";
import { fmtFull, fmtTime } from "../format.js";
import { state } from "../state.js";
import { labelChips } from "./labels_editor.js";

const TICKET_STATUSES = ["open", "pending", "resolved", "closed"];
const COLUMNS = ["Ticket", "Subject", "Status", "Priority", "Channel", "Customer", "Updated"];

/** One <option> per ticket status, `selected` (if given) chosen. */
export function ticketStatusOptions(selected) {
  return TICKET_STATUSES.map((s) => h("option", { value: s, selected: s === selected }, s[0].toUpperCase() + s.slice(1)));
}

function ticketRow(t) {
  return h(
    "tr",
    { "data-testid": "ticket-row", dataset: { reference: t.reference } },
    h("td", {}, h("a", { href: `#/tickets/${encodeURIComponent(t.reference)}`, class: "mono strong" }, t.reference)),
    h("td", {}, h("div", { class: "clamp" }, t.subject), t.labels && t.labels.length ? h("div", { class: "row-labels" }, labelChips(t.labels)) : null),
    h("td", {}, badge(t.status, ticketKind(t.status))),
    h("td", {}, t.priority),
    h("td", {}, channelBadge(t.channel), t.has_conversation ? null : h("span", { class: "muted small" }, " (email only)")),
    h("td", {}, t.email || "—"),
    h("td", { title: fmtFull(t.updated_at) }, fmtTime(t.updated_at)),
  );
}

export function ticketsView() {
  const seq = state.viewSeq;
  const filter = h(
    "select",
    { id: "ticket-status-filter", "aria-describedby": "tickets-count" },
    h("option", { value: "" }, "All"),
    ticketStatusOptions(state.ticketFilter),
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
    const data = await getForView(seq, error, `/tickets${query}`);
    if (!data) return;
    showError(error, "");
    const tickets = data.tickets || [];
    count.textContent = `${tickets.length} ticket${tickets.length === 1 ? "" : "s"}`;
    if (!tickets.length) {
      fill(box, h("p", { class: "empty" }, "No tickets with this status."));
      return;
    }
    const table = h("table", { class: "table", id: "tickets-table" }, tableHead(COLUMNS, false), h("tbody", {}, tickets.map(ticketRow)));
    fill(box, table);
  }

  filter.addEventListener("change", () => {
    state.ticketFilter = filter.value;
    load();
  });
  load();
  return { refresh: load };
}
