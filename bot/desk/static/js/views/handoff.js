// The conversation view (a handoff, or a conversation the bot owns): header and actions, data, polling and live events.

import { $, add, debounce, errorBox, fill, h, showError, toast } from "../dom.js";
import { act, api } from "../api.js";
import { badge, channelBadge, customerLabel, handoffStatusText, ownerBadge, ownerOf } from "../badges.js";
import { ticking } from "../format.js";
import { current, state } from "../state.js";
import { t } from "../texts.js";
import { placeholderValues } from "./canned_picker.js";
import { createAssign } from "./assign.js";
import { createComposer } from "./composer.js";
import { createHandback } from "./handback.js";
import { contextCards } from "./handoff_context.js";
import { createNotes } from "./handoff_notes.js";
import { createLabelsEditor } from "./labels_editor.js";
import { createTranscript } from "./transcript.js";

/** Whether a live event is about the conversation `sender` or its handoff `h0`. */
function concerns(event, h0, sender) {
  if (event.handoff_id !== undefined && h0 && event.handoff_id === h0.id) return true;
  if (event.sender_id && event.sender_id === sender) return true;
  if (event.handoff && (event.handoff.sender_id === sender || (h0 && event.handoff.id === h0.id))) return true;
  return false;
}

function headerItems(data, h0, owner) {
  const customer = (data.context && data.context.customer) || {};
  return [
    channelBadge((h0 && h0.channel) || customer.channel),
    h(
      "span",
      { id: "handoff-status", "data-testid": "handoff-status", dataset: { status: h0 ? h0.status : "bot" } },
      ownerBadge(owner, h0 && h0.agent_name),
    ),
    h0 && h0.team ? badge(t("handoff_team", { team: h0.team }), "info") : null,
    h0 && h0.status === "queued" ? h("span", { class: "muted small" }, t("handoff_waiting"), " ", ticking(Date.now() - h0.waiting_seconds * 1000)) : null,
    h0 && !h0.status.match(/queued|assigned/) ? h("span", { class: "muted small" }, t("handoff_status_line", { status: handoffStatusText(h0.status) })) : null,
    h("span", { class: "muted small mono" }, data.sender_id),
  ];
}

export function handoffView({ handoffId, senderId }) {
  const seq = state.viewSeq;
  let data = null;
  let shownContext = null;

  const handoff = () => data && data.handoff;
  const sender = () => (data ? data.sender_id : senderId);

  function mine() {
    const h0 = handoff();
    return Boolean(h0 && h0.status === "assigned" && state.me && h0.agent_id === state.me.id);
  }

  const title = h("h1", { id: "view-title", tabindex: "-1" }, t("conversation_title"));
  const labelsSlot = h("div", { id: "conversation-labels" });
  let labelsEditor = null;
  const headerInfo = h("div", { class: "conv-meta", id: "conversation-meta" });
  const claimButton = h("button", { type: "button", id: "claim-button", class: "btn btn-primary", hidden: true }, t("claim"));
  const takeoverButton = h(
    "button",
    { type: "button", id: "takeover-button", class: "btn btn-primary", hidden: true },
    t("take_over"),
  );
  const actionError = errorBox("conversation-error");
  const handback = createHandback({ seq, handoff, error: actionError, onDone: load });
  const assign = createAssign({ handoff, onDone: () => load() });
  const transcript = createTranscript();
  const composer = createComposer({
    seq,
    handoff,
    mine,
    onClaim: claim,
    onEntry: appendEntry,
    placeholders: () => placeholderValues(data && data.context, handoff()),
  });
  const contextBox = h("div", { id: "context-panel-body" });
  // "The customer is typing…" under the transcript, for a few seconds after the widget says so.
  const customerTyping = h("p", { id: "customer-typing", class: "typing-line small muted", role: "status", hidden: true });
  let typingTimer = null;
  function showCustomerTyping() {
    customerTyping.textContent = t("customer_typing", { customer: customerLabel(handoff(), data && data.context) });
    customerTyping.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => (customerTyping.hidden = true), 6000);
  }
  const notes = createNotes({ seq, handoff, onAdded: appendNote });

  add(
    $("view"),
    h(
      "div",
      { class: "conversation" },
      h(
        "div",
        { class: "conv-main" },
        h(
          "div",
          { class: "page-header conv-header" },
          h("div", {}, h("a", { href: "#/queue", class: "back-link" }, t("back_to_queue")), title, headerInfo, labelsSlot),
          h("div", { class: "page-actions" }, claimButton, takeoverButton, handback.button, assign.box),
        ),
        actionError,
        handback.panel,
        transcript.box,
        customerTyping,
        composer.form,
      ),
      h(
        "aside",
        { class: "conv-side", id: "context-panel", "aria-label": t("context_and_notes"), "data-testid": "context-panel" },
        contextBox,
        notes.section,
      ),
    ),
  );

  // -- data --

  async function load() {
    const path = handoffId ? `/handoffs/${handoffId}` : `/conversations/${encodeURIComponent(senderId)}`;
    try {
      const fresh = await api("GET", path);
      if (!current(seq)) return;
      data = fresh;
      render();
    } catch (err) {
      if (!current(seq) || err.status === 401) return;
      if (!data) {
        title.textContent = err.status === 404 ? t("not_found") : t("conversation_title");
        showError(actionError, err.message);
      }
    }
  }
  const reload = debounce(load, 250);

  // -- rendering --

  function render() {
    const h0 = handoff();
    const owner = ownerOf(h0);
    title.textContent = customerLabel(h0, data.context);
    fill(headerInfo, headerItems(data, h0, owner));
    assign.render(h0);
    if (!labelsEditor) {
      labelsEditor = createLabelsEditor("conversation", data.sender_id);
      fill(labelsSlot, labelsEditor.box);
    }
    if (document.activeElement !== labelsSlot.querySelector("input")) labelsEditor.render(data.labels || []);

    claimButton.hidden = !(h0 && h0.status === "queued");
    takeoverButton.hidden = owner !== "bot";
    handback.button.hidden = !mine() && !(h0 && h0.status === "assigned" && state.me.role === "admin");
    if (handback.button.hidden) handback.close();

    transcript.render(data.transcript || []);
    composer.render(owner, h0);
    notes.enable(h0);
    const contextSig = JSON.stringify([data.context, h0 && h0.reason_text, h0 && h0.ticket_reference]);
    if (contextSig !== shownContext) {
      shownContext = contextSig;
      fill(contextBox, contextCards(data.context || {}, h0, data.sender_id));
    }
    notes.render(data.notes || []);
  }

  function appendEntry(entry) {
    if (!data || !entry) return;
    transcript.append(entry);
  }

  function appendNote(note) {
    if (!data) return;
    if ((data.notes || []).some((n) => n.id === note.id)) return;
    data.notes = [...(data.notes || []), note];
    notes.render(data.notes);
  }

  // -- actions --

  async function claim(button) {
    const h0 = handoff();
    if (!h0) return;
    const done = await act(button, actionError, () => api("POST", `/handoffs/${h0.id}/claim`));
    if (done && current(seq)) {
      await load();
      composer.focus();
    }
  }

  async function takeOver() {
    const path = `/conversations/${encodeURIComponent(sender())}/takeover`;
    const done = await act(takeoverButton, actionError, () => api("POST", path));
    if (done && current(seq)) {
      toast(t("took_over"));
      location.hash = `#/handoff/${done.handoff.id}`;
    }
  }

  claimButton.addEventListener("click", () => claim(claimButton));
  takeoverButton.addEventListener("click", takeOver);

  // -- live --

  function onEvent(event) {
    if (!current(seq)) return;
    const about = concerns(event, handoff(), sender());
    if (event.type === "typing" && about && event.who === "customer") {
      showCustomerTyping();
    } else if (event.type === "message" && about) {
      if (event.entry && event.entry.who === "customer") customerTyping.hidden = true;
      appendEntry(event.entry);
      reload();
    } else if (event.type === "note" && about) {
      appendNote({ ...event.note, handoff_id: event.handoff_id });
    } else if (event.type === "queue" && about) {
      reload();
    } else if (event.type === "queue_changed") {
      reload();
    }
  }

  load();
  // Turns the bot answers itself (and the messages it adds, like queue updates) have no live
  // event: poll, often while the assistant owns the conversation, now and then otherwise.
  let lastPoll = Date.now();
  const polling = setInterval(() => {
    if (document.hidden) return;
    const botOwned = !data || ownerOf(handoff()) === "bot";
    if (botOwned || Date.now() - lastPoll >= 15000) {
      lastPoll = Date.now();
      load();
    }
  }, 4000);

  return {
    stop: () => {
      clearInterval(polling);
      clearTimeout(typingTimer);
      reload.cancel();
    },
    refresh: load,
    onEvent,
  };
}
