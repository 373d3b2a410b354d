// A conversation's transcript log: one node per message, appending what is new so screen readers announce only that.

import { fill, h } from "../dom.js";
import { fmtFull, fmtTime, toDate } from "../format.js";
import { t } from "../texts.js";

const WHO = { customer: "who_customer", bot: "who_bot", agent: "who_agent", system: "who_system" };

function entryNode(entry) {
  const who = WHO[entry.who] ? entry.who : "system";
  const label = who === "agent" && entry.agent ? t("who_agent_named", { name: entry.agent }) : t(WHO[who]);
  return h(
    "div",
    {
      class: `msg msg-${who}`,
      "data-testid": "transcript-entry",
      dataset: { who, ts: String(entry.timestamp || "") },
    },
    h(
      "div",
      { class: "msg-meta" },
      h("span", { class: "msg-who" }, label),
      h("time", { class: "msg-time", datetime: toDate(entry.timestamp) ? toDate(entry.timestamp).toISOString() : "", title: fmtFull(entry.timestamp) }, fmtTime(entry.timestamp)),
    ),
    h("div", { class: "msg-text", "data-testid": "message-text" }, entry.text),
    entry.buttons && entry.buttons.length
      ? h(
          "div",
          { class: "msg-buttons", "aria-label": t("transcript_buttons") },
          h("span", { class: "muted small" }, t("transcript_offered"), " "),
          entry.buttons.map((b) => h("span", { class: "chip" }, b)),
        )
      : null,
  );
}

const sameEntry = (a, b) => a.who === b.who && a.text === b.text;

/** The transcript box and what it shows: `render(entries)` for a fetched transcript, `append(entry)` for a live one. */
export function createTranscript() {
  const box = h("div", {
    id: "transcript",
    class: "transcript",
    role: "log",
    "aria-live": "polite",
    "aria-label": t("transcript_label"),
    "data-testid": "transcript",
    tabindex: "0",
  });

  // What the transcript shows now. New entries are appended, so screen readers announce
  // only what is new; anything else (an edit, a different order) re-renders the whole log.
  let shown = [];

  function nearBottom() {
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }

  function render(entries) {
    const stick = nearBottom() || !shown.length;
    const grows = shown.length > 0 && shown.length <= entries.length && shown.every((e, i) => sameEntry(e, entries[i]));
    if (grows) {
      entries.slice(shown.length).forEach((entry) => box.appendChild(entryNode(entry)));
    } else if (!entries.length) {
      fill(box, h("p", { class: "empty" }, t("transcript_empty")));
    } else {
      fill(box, entries.map(entryNode));
    }
    shown = entries.slice();
    if (stick) box.scrollTop = box.scrollHeight;
  }

  function append(entry) {
    const duplicate = shown
      .slice(-15)
      .some((e) => sameEntry(e, entry) && Math.abs((e.timestamp || 0) - (entry.timestamp || 0)) < 5);
    if (duplicate) return;
    const stick = nearBottom();
    if (!shown.length) box.replaceChildren();
    shown = [...shown, entry];
    box.appendChild(entryNode(entry));
    if (stick) box.scrollTop = box.scrollHeight;
  }

  return { box, render, append };
}
