// The queue view: who is waiting for a person (with Claim) and which conversations agents are handling.

import { $, add, errorBox, fill, h, pageHeader, tableHead } from "../dom.js";
import { act, api } from "../api.js";
import { badge, channelBadge, customerLabel, priorityBadge } from "../badges.js";
import { ticking } from "../format.js";
import { loadQueue } from "../queue_feed.js";
import { current, state } from "../state.js";
import { t } from "../texts.js";

const WAITING_COLUMNS = ["field_customer", "field_channel", "field_waiting", "field_priority", "field_reason", "field_summary"];
const ACTIVE_COLUMNS = ["field_customer", "field_channel", "field_agent", "field_with_agent_for", "field_reason"];

function openLink(handoff, label) {
  return h(
    "a",
    {
      class: "btn btn-ghost btn-sm",
      href: `#/handoff/${handoff.id}`,
      "aria-label": label,
      dataset: { focusKey: `open-${handoff.id}` },
    },
    t("open"),
  );
}

function waitingRow(handoff, claim) {
  const who = customerLabel(handoff);
  return h(
    "tr",
    {
      "data-testid": "queue-row",
      dataset: { handoffId: String(handoff.id), senderId: handoff.sender_id },
      class: handoff.priority > 0 ? "row-priority" : "",
    },
    h("td", {}, h("div", { class: "strong" }, who), h("div", { class: "muted small mono" }, handoff.sender_id)),
    h("td", {}, channelBadge(handoff.channel)),
    h("td", { "data-testid": "queue-wait" }, ticking(handoff._sinceMs)),
    h("td", {}, priorityBadge(handoff.priority), handoff.team ? [" ", badge(handoff.team, "info")] : null),
    h("td", { "data-testid": "queue-reason" }, handoff.reason_text),
    h("td", { class: "summary-cell" }, h("div", { class: "clamp", title: handoff.summary }, handoff.summary || "—")),
    h(
      "td",
      { class: "actions" },
      openLink(handoff, t("queue_open_with", { customer: who })),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-primary btn-sm",
          "data-testid": "queue-claim",
          "aria-label": t("queue_claim_with", { customer: who }),
          dataset: { focusKey: `claim-${handoff.id}` },
          onclick: (event) => claim(handoff, event.currentTarget),
        },
        t("claim"),
      ),
    ),
  );
}

function activeRow(handoff) {
  const mine = state.me && handoff.agent_id === state.me.id;
  return h(
    "tr",
    {
      "data-testid": "active-row",
      class: mine ? "row-mine" : "",
      dataset: { handoffId: String(handoff.id), senderId: handoff.sender_id },
    },
    h("td", {}, h("div", { class: "strong" }, customerLabel(handoff))),
    h("td", {}, channelBadge(handoff.channel)),
    h("td", {}, mine ? h("span", {}, t("queue_agent_you", { name: handoff.agent_name })) : handoff.agent_name || "—"),
    h("td", {}, handoff._claimedMs ? ticking(handoff._claimedMs) : "—"),
    h("td", {}, handoff.reason_text),
    h("td", { class: "actions" }, openLink(handoff, null)),
  );
}

function renderWaiting(box, waiting, claim) {
  if (!waiting.length) {
    fill(
      box,
      h(
        "p",
        { class: "empty", id: "queue-empty", "data-testid": "queue-empty" },
        t("queue_empty"),
      ),
    );
    return;
  }
  fill(
    box,
    h(
      "table",
      { class: "table", id: "queue-table", "data-testid": "queue-table" },
      tableHead(WAITING_COLUMNS.map((key) => t(key)), true),
      h("tbody", {}, waiting.map((handoff) => waitingRow(handoff, claim))),
    ),
  );
}

function renderActive(box, active) {
  if (!active.length) {
    fill(box, h("p", { class: "empty" }, t("queue_none_active")));
    return;
  }
  fill(
    box,
    h("table", { class: "table", id: "active-table" }, tableHead(ACTIVE_COLUMNS.map((key) => t(key)), true), h("tbody", {}, active.map(activeRow))),
  );
}

export function queueView() {
  const seq = state.viewSeq;
  const waitingBox = h("div", { id: "queue-waiting" });
  // Agents in teams can look at their teams' conversations only (those without a team included).
  const myTeams = (state.me && state.me.teams) || [];
  const teamsOnly = h("input", { id: "queue-my-teams", type: "checkbox", checked: Boolean(state.queueMyTeams) });
  const teamsFilter = myTeams.length
    ? h("label", { for: "queue-my-teams", class: "checkbox-inline" }, teamsOnly, " ", t("queue_only_my_teams", { teams: myTeams.join(", ") }))
    : null;
  const activeBox = h("div", { id: "queue-active" });
  const error = errorBox("queue-error");
  add(
    $("view"),
    pageHeader(t("section_queue")),
    error,
    h(
      "section",
      { class: "card", "aria-labelledby": "waiting-title" },
      h("h2", { id: "waiting-title" }, t("waiting_for_person")),
      teamsFilter,
      waitingBox,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "active-title" },
      h("h2", { id: "active-title" }, t("queue_being_handled")),
      activeBox,
    ),
  );

  async function claim(handoff, button) {
    const done = await act(button, error, () => api("POST", `/handoffs/${handoff.id}/claim`));
    if (done && current(seq)) location.hash = `#/handoff/${handoff.id}`;
  }

  function render(data) {
    const all = data.handoffs || [];
    const mineOnly = teamsOnly.checked && myTeams.length;
    const shown = (x) => !mineOnly || !x.team || myTeams.includes(x.team);
    renderWaiting(waitingBox, all.filter((x) => x.status === "queued" && shown(x)), claim);
    renderActive(activeBox, all.filter((x) => x.status === "assigned"));
  }

  teamsOnly.addEventListener("change", () => {
    state.queueMyTeams = teamsOnly.checked;
    if (state.queue) render(state.queue);
  });
  if (state.queue) render(state.queue);
  else fill(waitingBox, h("p", { class: "empty" }, t("loading")));
  loadQueue();
  return {
    onQueue: (data) => current(seq) && render(data),
    refresh: () => loadQueue(),
  };
}
