// The conversation view's internal notes card: the list (re-rendered only when it changes) and the add-a-note form.

import { errorBox, fill, h } from "../dom.js";
import { act, api } from "../api.js";
import { fmtFull, fmtTime } from "../format.js";
import { current } from "../state.js";
import { t } from "../texts.js";

/** The notes card of view `seq`; `onAdded(note)` shows a note this agent just added. */
export function createNotes({ seq, handoff, onAdded }) {
  const notesList = h("ul", { id: "notes-list", class: "notes", "data-testid": "notes-list", "aria-live": "polite" });
  const noteText = h("textarea", { id: "note-text", rows: "2", maxlength: "4000", placeholder: t("notes_placeholder") });
  const noteAdd = h("button", { type: "submit", id: "note-add", class: "btn btn-secondary btn-sm" }, t("notes_add"));
  const noteError = errorBox("note-error");
  const noteForm = h(
    "form",
    { id: "note-form", class: "note-form" },
    h("label", { for: "note-text" }, t("notes_add_label")),
    noteError,
    noteText,
    h("div", { class: "row-actions" }, noteAdd),
  );
  const section = h(
    "section",
    { class: "side-card", "aria-labelledby": "notes-title" },
    h("h2", { id: "notes-title" }, t("notes_title")),
    notesList,
    noteForm,
  );

  let shownNotes = null;

  function noteNode(note) {
    const h0 = handoff();
    return h(
      "li",
      { class: "note", "data-testid": "note", dataset: { noteId: String(note.id) } },
      h(
        "div",
        { class: "note-meta" },
        h("span", { class: "strong" }, note.agent || t("who_agent")),
        " · ",
        h("time", { title: fmtFull(note.created_at) }, fmtTime(note.created_at)),
        h0 && note.handoff_id && note.handoff_id !== h0.id ? h("span", { class: "muted" }, " · ", t("notes_earlier_handoff")) : null,
      ),
      h("div", { class: "note-text" }, note.text),
    );
  }

  function render(notes) {
    const sig = JSON.stringify(notes.map((n) => n.id));
    if (sig === shownNotes) return;
    shownNotes = sig;
    if (!notes.length) fill(notesList, h("li", { class: "empty small" }, t("notes_empty")));
    else fill(notesList, notes.map(noteNode));
  }

  /** Notes belong to a handoff: without one the form is off. */
  function enable(h0) {
    noteText.disabled = !h0;
    noteAdd.disabled = !h0;
    if (!h0) noteText.placeholder = t("notes_need_handoff");
  }

  noteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const h0 = handoff();
    const text = noteText.value.trim();
    if (!h0 || !text) return;
    const done = await act(noteAdd, noteError, () => api("POST", `/handoffs/${h0.id}/notes`, { text }));
    if (done && current(seq)) {
      noteText.value = "";
      onAdded({ ...done.note, handoff_id: h0.id });
    }
  });

  return { section, render, enable };
}
