// "Assign": give an open conversation to a team (billing, shipping…) or to an agent.

import { errorBox, h, toast } from "../dom.js";
import { act, api } from "../api.js";

let directory = null; // {teams, agents}, loaded once per page

/** The control for the view's handoff (`handoff()`); `onDone()` reloads the view. */
export function createAssign({ handoff, onDone }) {
  const select = h("select", { id: "assign-select" });
  const button = h("button", { type: "button", id: "assign-button", class: "btn btn-ghost btn-sm" }, "Assign");
  const error = errorBox("assign-error");
  const box = h(
    "div",
    { class: "assign", id: "assign", hidden: true },
    h("label", { for: "assign-select", class: "small" }, "Assign to"),
    select,
    button,
    error,
  );

  async function fillOptions() {
    if (directory === null) {
      try {
        directory = await api("GET", "/teams");
      } catch (err) {
        directory = { teams: [], agents: [] };
      }
    }
    const h0 = handoff();
    select.replaceChildren(
      h("option", { value: "" }, "Choose…"),
      h(
        "optgroup",
        { label: "Teams" },
        (directory.teams || []).map((t) => h("option", { value: `team:${t.name}`, selected: h0 && h0.team === t.name }, t.name)),
        h("option", { value: "team:" }, "no team (everyone)"),
      ),
      h(
        "optgroup",
        { label: "Agents" },
        (directory.agents || []).map((a) =>
          h("option", { value: `agent:${a.id}` }, `${a.name}${a.teams.length ? ` (${a.teams.join(", ")})` : ""}${a.available ? "" : " · away"}`),
        ),
      ),
    );
  }

  button.addEventListener("click", async () => {
    const h0 = handoff();
    const [kind, value] = select.value.split(/:(.*)/s);
    if (!h0 || !kind) return;
    const body = kind === "team" ? { team: value || null } : { agent_id: Number(value) };
    const done = await act(button, error, () => api("POST", `/handoffs/${h0.id}/assign`, body));
    if (done) {
      toast(kind === "team" ? `Sent to ${value || "everyone"}.` : `Given to ${done.handoff.agent_name}.`);
      onDone();
    }
  });

  /** Shown for open conversations only. */
  function render(h0) {
    const open = Boolean(h0 && (h0.status === "queued" || h0.status === "assigned"));
    if (open && box.hidden) fillOptions();
    box.hidden = !open;
  }

  return { box, render };
}
