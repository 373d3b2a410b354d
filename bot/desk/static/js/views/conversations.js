// The conversations view: every customer's latest conversation on one line (who, channel, last
// message, status, agent, how long they have been waiting), with search over transcripts and
// tickets, filters (channel, status, mine), and Take over for the ones the assistant has.

import { $, add, debounce, errorBox, fill, h, pageHeader, showError, tableHead } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { badge, channelBadge, ownerBadge, ticketKind, ticketStatusText } from "../badges.js";
import { ago, fmtFull, ticking } from "../format.js";
import { current, state } from "../state.js";
import { t } from "../texts.js";
import { labelChips } from "./labels_editor.js";

// [value, text key]
const STATUS_OPTIONS = [
  ["all", "conversations_status_all"],
  ["waiting", "waiting_for_person"],
  ["with_agent", "conversations_status_with_agent"],
  ["bot", "conversations_status_bot"],
  ["ticket", "conversations_status_ticket"],
];
const CHANNEL_OPTIONS = [
  ["", "channels_all"],
  ["webchat", "channel_webchat"],
  ["slack", "channel_slack"],
  ["telegram", "channel_telegram"],
  ["rest", "channel_rest"],
];
const FROM = { customer: "who_customer", bot: "who_bot", agent: "who_agent" };
const OWNER = { waiting: "queue", with_agent: "agent", bot: "bot", ticket: "bot" };

function takeoverButton(row, seq, error) {
  return h(
    "button",
    {
      type: "button",
      class: "btn btn-primary btn-sm",
      "data-testid": "takeover",
      "aria-label": t("conversations_take_over_with", { customer: row.customer_name || row.customer_email || row.sender_id }),
      dataset: { focusKey: `take-${row.sender_id}` },
      onclick: async (event) => {
        const done = await act(event.currentTarget, error, () =>
          api("POST", `/conversations/${encodeURIComponent(row.sender_id)}/takeover`),
        );
        if (done && current(seq)) location.hash = `#/handoff/${done.handoff.id}`;
      },
    },
    t("take_over"),
  );
}

function whoCell(row) {
  const name = row.customer_name || row.customer_email || t("conversations_unknown_visitor");
  return h(
    "td",
    {},
    h("div", { class: "strong" }, name),
    row.customer_name && row.customer_email ? h("div", { class: "small muted" }, row.customer_email) : null,
    h("div", { class: "small muted mono" }, row.sender_id),
    row.labels && row.labels.length ? h("div", { class: "row-labels" }, labelChips(row.labels)) : null,
  );
}

function conversationRow(row, seq, error) {
  const link = row.handoff_id ? `#/handoff/${row.handoff_id}` : `#/conversation/${encodeURIComponent(row.sender_id)}`;
  const owner = OWNER[row.status] || "bot";
  return h(
    "tr",
    {
      "data-testid": "conversation-row",
      dataset: { senderId: row.sender_id, owner, status: row.status },
      class: row.status === "waiting" ? "row-priority" : "",
    },
    whoCell(row),
    h("td", {}, channelBadge(row.channel)),
    h(
      "td",
      { class: "last-message" },
      row.last_message
        ? [h("span", { class: "small muted" }, t("conversations_from", { who: FROM[row.last_message_from] ? t(FROM[row.last_message_from]) : "" }), " "), row.last_message]
        : h("span", { class: "muted" }, "—"),
    ),
    h(
      "td",
      {},
      ownerBadge(owner, row.agent_name),
      row.ticket_reference ? [" ", h("a", { href: `#/tickets/${encodeURIComponent(row.ticket_reference)}` }, row.ticket_reference)] : null,
    ),
    h(
      "td",
      { "data-testid": "conversation-waiting" },
      row.waiting_seconds !== null && row.waiting_seconds !== undefined
        ? ticking(Date.now() - row.waiting_seconds * 1000, row.waiting_seconds > 300 ? "late" : "")
        : h("span", { class: "muted" }, "—"),
    ),
    h("td", { title: fmtFull(row.last_active) }, ago(row.last_active)),
    h(
      "td",
      { class: "actions" },
      h("a", { class: "btn btn-ghost btn-sm", href: link, dataset: { focusKey: `open-${row.sender_id}` } }, t("open")),
      owner === "bot" ? takeoverButton(row, seq, error) : null,
    ),
  );
}

function ticketRow(ticket) {
  return h(
    "li",
    { "data-testid": "search-ticket" },
    h("a", { href: `#/tickets/${encodeURIComponent(ticket.reference)}`, class: "strong" }, ticket.reference),
    " ",
    badge(ticketStatusText(ticket.status), ticketKind(ticket.status)),
    " ",
    ticket.subject,
    ticket.email ? h("span", { class: "small muted" }, ` · ${ticket.email}`) : null,
  );
}

function select(id, label, options, value) {
  return [
    h("label", { for: id, class: "sr-only" }, label),
    h("select", { id }, options.map(([v, key]) => h("option", { value: v, selected: v === value }, t(key)))),
  ];
}

export function conversationsView() {
  const seq = state.viewSeq;
  const filters = state.conversationFilters || (state.conversationFilters = { q: "", channel: "", status: "all", mine: false, label: "" });
  const labelSelect = h("select", { id: "conversations-label" }, h("option", { value: "" }, t("conversations_any_label")));
  const box = h("div", { id: "conversations-body" });
  const ticketsBox = h("div", { id: "conversations-tickets" });
  const error = errorBox("conversations-error");
  const search = h("input", {
    id: "conversations-search",
    type: "search",
    value: filters.q,
    maxlength: "100",
    placeholder: t("conversations_search_placeholder"),
    autocomplete: "off",
  });
  const mine = h("input", { id: "conversations-mine", type: "checkbox", checked: filters.mine });
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": t("conversations_search_form"), onsubmit: (event) => event.preventDefault() },
    h("label", { for: "conversations-search", class: "sr-only" }, t("conversations_search_label")),
    search,
    select("conversations-channel", t("field_channel"), CHANNEL_OPTIONS, filters.channel),
    select("conversations-status", t("field_status"), STATUS_OPTIONS, filters.status),
    h("label", { for: "conversations-label", class: "sr-only" }, t("field_label")),
    labelSelect,
    h("label", { for: "conversations-mine", class: "checkbox-inline" }, mine, " ", t("conversations_mine")),
  );
  add(
    $("view"),
    pageHeader(t("section_conversations")),
    h("p", { class: "muted" }, t("conversations_intro")),
    form,
    error,
    h("section", { class: "card" }, box),
    ticketsBox,
  );

  async function load() {
    const params = new URLSearchParams();
    if (filters.q.length >= 2) params.set("q", filters.q); // one letter would match everything
    if (filters.channel) params.set("channel", filters.channel);
    if (filters.status !== "all") params.set("status", filters.status);
    if (filters.mine) params.set("mine", "1");
    if (filters.label) params.set("label", filters.label);
    const data = await getForView(seq, error, `/conversations?${params}`);
    if (!data) return;
    showError(error, "");
    const rows = data.conversations || [];
    fill(
      box,
      rows.length
        ? h(
            "table",
            { class: "table", id: "conversations-table" },
            tableHead([t("field_customer"), t("field_channel"), t("field_last_message"), t("field_status"), t("field_waiting"), t("field_last_active")], true),
            h("tbody", {}, rows.map((row) => conversationRow(row, seq, error))),
          )
        : h("p", { class: "empty" }, filters.q || filters.channel || filters.status !== "all" || filters.mine || filters.label ? t("conversations_none_match") : t("conversations_none")),
    );
    const tickets = data.tickets || [];
    fill(
      ticketsBox,
      filters.q.length >= 2
        ? h(
            "section",
            { class: "card" },
            h("h2", {}, t("conversations_tickets_matching", { query: filters.q, count: tickets.length })),
            tickets.length ? h("ul", { class: "plain-list" }, tickets.map(ticketRow)) : h("p", { class: "empty" }, t("conversations_no_ticket_matches")),
          )
        : null,
    );
  }

  const reload = debounce(load, 300);
  search.addEventListener("input", () => {
    filters.q = search.value.trim();
    reload();
  });
  form.addEventListener("change", () => {
    filters.channel = $("conversations-channel").value;
    filters.status = $("conversations-status").value;
    filters.mine = mine.checked;
    filters.label = labelSelect.value;
    load();
  });
  // The label filter offers the labels in use on conversations.
  api("GET", "/labels")
    .then((data) => {
      const names = (data.labels || []).filter((l) => l.conversation > 0).map((l) => l.name);
      if (filters.label && !names.includes(filters.label)) names.push(filters.label);
      labelSelect.append(...names.map((name) => h("option", { value: name, selected: name === filters.label }, name)));
    })
    .catch(() => {});
  load();
  const timer = setInterval(() => {
    if (!document.hidden) load();
  }, 15000);
  return {
    stop: () => {
      clearInterval(timer);
      reload.cancel();
    },
    refresh: load,
    onEvent: (event) => {
      if (event.type === "queue" || event.type === "queue_changed" || event.type === "message") reload();
    },
  };
}
