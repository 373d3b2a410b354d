// The conversation view's reply composer: the form, who may write and why not (the hint), sending with Enter.

import { errorBox, focusIfIdle, h } from "../dom.js";
import { act, api } from "../api.js";
import { current } from "../state.js";
import { t } from "../texts.js";
import { createCannedPicker } from "./canned_picker.js";

function hintFor(canWrite, owner, h0) {
  if (canWrite) return t("composer_hint_write");
  if (owner === "queue") return t("composer_hint_queue");
  if (owner === "agent") return t("composer_hint_other_agent", { name: h0.agent_name || t("composer_another_agent") });
  return t("composer_hint_bot");
}

/**
 * The reply form of view `seq`. `handoff()` and `mine()` tell the view's handoff and whether this
 * agent owns it; `onClaim(button)` claims it; `onEntry(entry)` shows a sent message;
 * `placeholders()` the values canned replies' placeholders take in this conversation.
 */
export function createComposer({ seq, handoff, mine, onClaim, onEntry, placeholders }) {
  const replyText = h("textarea", {
    id: "reply-text",
    rows: "3",
    maxlength: "4000",
    disabled: true,
    placeholder: t("composer_placeholder"),
    "aria-describedby": "reply-hint",
  });
  const replySend = h("button", { type: "submit", id: "reply-send", class: "btn btn-primary", disabled: true }, t("composer_send"));
  const replyHint = h("p", { id: "reply-hint", class: "hint", "data-testid": "reply-hint" });
  const replyClaim = h("button", { type: "button", id: "reply-claim", class: "btn btn-secondary btn-sm", hidden: true }, t("claim"));
  const replyError = errorBox("reply-error");
  const picker = createCannedPicker(replyText, placeholders || (() => ({})));
  const replyForm = h(
    "form",
    { id: "reply-form", class: "composer", "aria-label": t("reply_to_customer") },
    h("label", { for: "reply-text", class: "composer-label" }, t("reply_to_customer")),
    replyError,
    h("div", { class: "composer-row" }, h("div", { class: "composer-input" }, replyText, picker.list), replySend),
    h("div", { class: "composer-foot" }, replyHint, picker.button, replyClaim),
  );

  async function sendReply() {
    const text = replyText.value.trim();
    const h0 = handoff();
    if (!text || !h0 || replySend.disabled) return;
    const done = await act(replySend, replyError, () => api("POST", `/handoffs/${h0.id}/messages`, { text }));
    if (!current(seq)) return;
    replySend.disabled = !mine();
    if (done) {
      replyText.value = "";
      if (done.entry) onEntry(done.entry);
      focusIfIdle(replyText);
    }
  }

  // The customer sees "<name> is typing…" (widget, Telegram) while the owner writes: every 3 s at most.
  let typingSentAt = 0;
  replyText.addEventListener("input", () => {
    const h0 = handoff();
    if (!h0 || !mine() || !replyText.value.trim() || Date.now() - typingSentAt < 3000) return;
    typingSentAt = Date.now();
    api("POST", `/handoffs/${h0.id}/typing`).catch(() => {});
  });

  replyClaim.addEventListener("click", () => onClaim(replyClaim));
  replyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    sendReply();
  });
  replyText.addEventListener("keydown", (event) => {
    // Enter that confirms a Japanese (IME) conversion is not "send" (keyCode 229: older browsers).
    if (event.isComposing || event.keyCode === 229) return;
    if (picker.handleKey(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      sendReply();
    }
  });

  /** Enable writing for the owner only, and say who owns the conversation otherwise. */
  function render(owner, h0) {
    const canWrite = mine();
    replyText.disabled = !canWrite;
    replySend.disabled = !canWrite;
    picker.button.disabled = !canWrite;
    replyClaim.hidden = !(h0 && h0.status === "queued");
    replyHint.textContent = hintFor(canWrite, owner, h0);
    replyForm.classList.toggle("is-disabled", !canWrite);
  }

  return { form: replyForm, render, focus: () => focusIfIdle(replyText) };
}
