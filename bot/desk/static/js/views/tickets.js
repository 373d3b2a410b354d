// The tickets list view, filtered by status, and the ticket statuses shared with the one-ticket view.

import { $, add, errorBox, fill, h, pageHeader, showError, tableHead } from "../dom.js";
import { getForView } from "../api.js";
import { badge, channelBadge, ticketKind, ticketPriorityText, ticketStatusText } from "../badges.js";
import { fmtFull, fmtTime } from "../format.js";
import { state } from "../state.js";
import { t } from "../texts.js";
import { labelChips } from "./labels_editor.js";

const TICKET_STATUSES = ["open", "pending", "resolved", "closed"];
const COLUMNS = ["field_ticket", "field_subject", "field_status", "field_priority", "field_channel", "field_customer", "field_updated"];

/** One <option> per ticket status, `selected` (if given) chosen. */
export function ticketStatusOptions(selected) {
  return TICKET_STATUSES.map((s) => {
    const word = ticketStatusText(s);
    return h("option", { value: s, selected: s === selected }, word[0].toUpperCase() + word.slice(1));
  });
}

function ticketRow(ticket) {
  return h(
    "tr",
    { "data-testid": "ticket-row", dataset: { reference: ticket.reference } },
    h("td", {}, h("a", { href: `#/tickets/${encodeURIComponent(ticket.reference)}`, class: "mono strong" }, ticket.reference)),
    h("td", {}, h("div", { class: "clamp" }, ticket.subject), ticket.labels && ticket.labels.length ? h("div", { class: "row-labels" }, labelChips(ticket.labels)) : null),
    h("td", {}, badge(ticketStatusText(ticket.status), ticketKind(ticket.status))),
    h("td", {}, ticketPriorityText(ticket.priority)),
    h("td", {}, channelBadge(ticket.channel), ticket.has_conversation ? null : h("span", { class: "muted small" }, " ", t("tickets_email_only"))),
    h("td", {}, ticket.email || "—"),
    h("td", { title: fmtFull(ticket.updated_at) }, fmtTime(ticket.updated_at)),
  );
}

export function ticketsView() {
  const seq = state.viewSeq;
  const filter = h(
    "select",
    { id: "ticket-status-filter", "aria-describedby": "tickets-count" },
    h("option", { value: "" }, t("tickets_filter_all")),
    ticketStatusOptions(state.ticketFilter),
  );
  if (!state.ticketFilter) filter.value = "";
  const box = h("div", { id: "tickets-body" });
  const count = h("span", { id: "tickets-count", class: "muted small" });
  const error = errorBox("tickets-error");
  add(
    $("view"),
    pageHeader(t("section_tickets"), h("label", { for: "ticket-status-filter", class: "inline-label" }, t("field_status")), filter, count),
    error,
    h("section", { class: "card" }, box),
  );

  async function load() {
    const query = state.ticketFilter ? `?status=${encodeURIComponent(state.ticketFilter)}` : "";
    const data = await getForView(seq, error, `/tickets${query}`);
    if (!data) return;
    showError(error, "");
    const tickets = data.tickets || [];
    count.textContent = t("tickets_count", { count: tickets.length });
    if (!tickets.length) {
      fill(box, h("p", { class: "empty" }, t("tickets_empty")));
      return;
    }
    const table = h("table", { class: "table", id: "tickets-table" }, tableHead(COLUMNS.map((key) => t(key)), false), h("tbody", {}, tickets.map(ticketRow)));
    fill(box, table);
  }

  filter.addEventListener("change", () => {
    state.ticketFilter = filter.value;
    load();
  });
  load();
  return { refresh: load };
}
