// The conversation view's "Hand back to assistant" button and its panel (optional internal note, confirm, Escape to close).

import { h, toast } from "../dom.js";
import { act, api } from "../api.js";
import { current } from "../state.js";
import { t } from "../texts.js";

/** The hand-back control of view `seq`; errors go to `error`, `onDone()` runs after a hand-back. */
export function createHandback({ seq, handoff, error, onDone }) {
  const button = h(
    "button",
    { type: "button", id: "handback-button", class: "btn btn-secondary", hidden: true, "aria-expanded": "false", "aria-controls": "handback-panel" },
    t("handback_button"),
  );
  const note = h("textarea", { id: "handback-note", rows: "2", maxlength: "4000", placeholder: t("handback_note_placeholder") });
  const confirm = h("button", { type: "button", id: "handback-confirm", class: "btn btn-primary" }, t("handback_confirm"));
  const cancel = h("button", { type: "button", id: "handback-cancel", class: "btn btn-ghost" }, t("cancel"));
  const panel = h(
    "div",
    { id: "handback-panel", class: "handback-panel", hidden: true, role: "group", "aria-labelledby": "handback-title" },
    h("h2", { id: "handback-title", class: "small-title" }, t("handback_title")),
    h("p", { class: "muted small" }, t("handback_explain")),
    h("label", { for: "handback-note" }, t("handback_note_label")),
    note,
    h("div", { class: "row-actions" }, confirm, cancel),
  );

  function open() {
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    note.focus();
  }

  function close() {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
  }

  function closeAndReturn() {
    close();
    button.focus();
  }

  async function handBack() {
    const h0 = handoff();
    if (!h0) return;
    const text = note.value.trim();
    const done = await act(confirm, error, async () => {
      if (text) await api("POST", `/handoffs/${h0.id}/notes`, { text });
      return api("POST", `/handoffs/${h0.id}/handback`);
    });
    if (done && current(seq)) {
      note.value = "";
      close();
      toast(t("handed_back"));
      await onDone();
    }
  }

  button.addEventListener("click", () => (panel.hidden ? open() : close()));
  cancel.addEventListener("click", closeAndReturn);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeAndReturn();
  });
  confirm.addEventListener("click", handBack);

  return { button, panel, close };
}
