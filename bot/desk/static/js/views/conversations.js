// The recent-conversations view: the last conversations with the assistant, who owns each, and Take over.

import { $, add, debounce, errorBox, fill, h, pageHeader, showError, tableHead } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { ownerBadge } from "../badges.js";
import { ago, fmtFull } from "../format.js";
import { current, state } from "../state.js";

function takeoverButton(row, seq, error) {
  return h(
    "button",
    {
      type: "button",
      class: "btn btn-primary btn-sm",
      "data-testid": "takeover",
      "aria-label": `Take over conversation ${row.sender_id}`,
      dataset: { focusKey: `take-${row.sender_id}` },
      onclick: async (event) => {
        const done = await act(event.currentTarget, error, () =>
          api("POST", `/conversations/${encodeURIComponent(row.sender_id)}/takeover`),
        );
        if (done && current(seq)) location.hash = `#/handoff/${done.handoff.id}`;
      },
    },
    "Take over",
  );
}

function conversationRow(row, open, seq, error) {
  const link = open ? `#/handoff/${open.id}` : `#/conversation/${encodeURIComponent(row.sender_id)}`;
  return h(
    "tr",
    { "data-testid": "conversation-row", dataset: { senderId: row.sender_id, owner: row.owner } },
    h("td", { class: "mono" }, row.sender_id),
    h("td", { title: fmtFull(row.last_active) }, ago(row.last_active)),
    h("td", {}, ownerBadge(row.owner, open && open.agent_name)),
    h(
      "td",
      { class: "actions" },
      h("a", { class: "btn btn-ghost btn-sm", href: link, dataset: { focusKey: `open-${row.sender_id}` } }, "Open"),
      row.owner === "bot" ? takeoverButton(row, seq, error) : null,
    ),
  );
}

export function conversationsView() {
  const seq = state.viewSeq;
  const box = h("div", { id: "conversations-body" });
  const error = errorBox("conversations-error");
  add(
    $("view"),
    pageHeader("Recent conversations"),
    h("p", { class: "muted" }, "The last 50 conversations with the assistant. Take one over to answer the customer yourself."),
    error,
    h("section", { class: "card" }, box),
  );

  async function load() {
    const data = await getForView(seq, error, "/conversations");
    if (!data) return;
    showError(error, "");
    const rows = data.conversations || [];
    if (!rows.length) {
      fill(box, h("p", { class: "empty" }, "No conversations yet."));
      return;
    }
    // A conversation with an open handoff opens the handoff.
    const openByConversation = new Map(((state.queue && state.queue.handoffs) || []).map((x) => [x.sender_id, x]));
    fill(
      box,
      h(
        "table",
        { class: "table", id: "conversations-table" },
        tableHead(["Conversation", "Last active", "Owner"], true),
        h("tbody", {}, rows.map((row) => conversationRow(row, openByConversation.get(row.sender_id), seq, error))),
      ),
    );
  }

  const reload = debounce(load, 300);
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
