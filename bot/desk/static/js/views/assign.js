// "Assign": give an open conversation to a team (billing, shipping…) or to an agent.

import { errorBox, h, toast } from "../dom.js";
import { act, api } from "../api.js";
import { t } from "../texts.js";

let directory = null; // {teams, agents}, loaded once per page

/** An agent as the list offers them: "Ann (billing) · away". */
function agentOption(a) {
  const name = a.teams.length ? t("assign_agent_teams", { name: a.name, teams: a.teams.join(", ") }) : a.name;
  return a.available ? name : t("assign_agent_away", { agent: name });
}

/** The control for the view's handoff (`handoff()`); `onDone()` reloads the view. */
export function createAssign({ handoff, onDone }) {
  const select = h("select", { id: "assign-select" });
  const button = h("button", { type: "button", id: "assign-button", class: "btn btn-ghost btn-sm" }, t("assign_button"));
  const error = errorBox("assign-error");
  const box = h(
    "div",
    { class: "assign", id: "assign", hidden: true },
    h("label", { for: "assign-select", class: "small" }, t("assign_label")),
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
      h("option", { value: "" }, t("assign_choose")),
      h(
        "optgroup",
        { label: t("assign_teams") },
        (directory.teams || []).map((team) => h("option", { value: `team:${team.name}`, selected: h0 && h0.team === team.name }, team.name)),
        h("option", { value: "team:" }, t("assign_no_team")),
      ),
      h(
        "optgroup",
        { label: t("assign_agents") },
        (directory.agents || []).map((a) =>
          h("option", { value: `agent:${a.id}` }, agentOption(a)),
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
      toast(kind === "team" ? t("assign_sent_team", { team: value || t("assign_everyone") }) : t("assign_given", { name: done.handoff.agent_name }));
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
