// The agents view (admins only): the team's accounts and the form to add an agent.

import { $, add, errorBox, fill, h, pageHeader, showError, tableHead, toast } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { badge } from "../badges.js";
import { current, state } from "../state.js";

// The teams an agent works in: one checkbox per team (DESK_TEAMS), saved on change.
function teamsCell(a, teams, error) {
  if (!teams.length) return h("td", { class: "muted small" }, "no teams set up");
  return h(
    "td",
    { "data-testid": "agent-teams" },
    teams.map((team) => {
      const id = `agent-${a.id}-team-${team.name}`;
      const box = h("input", { id, type: "checkbox", checked: (a.teams || []).includes(team.name) });
      box.addEventListener("change", async () => {
        const chosen = teams.filter((t) => document.getElementById(`agent-${a.id}-team-${t.name}`).checked).map((t) => t.name);
        const done = await act(null, error, () => api("POST", `/agents/${a.id}/teams`, { teams: chosen }));
        if (done) toast(`${done.agent.name}: ${done.agent.teams.join(", ") || "no team"}.`);
        else box.checked = !box.checked;
      });
      return h("label", { for: id, class: "checkbox-inline" }, box, ` ${team.name} `);
    }),
  );
}

// One agent's row: who, role, account state, and (for others than yourself) disable/enable and a password reset.
function agentRow(a, reload, error, teams) {
  const self = state.me && state.me.id === a.id;
  const toggle = h(
    "button",
    { type: "button", class: "btn btn-ghost btn-sm", "data-testid": "agent-toggle", "aria-label": `${a.active ? "Disable" : "Enable"} ${a.name}` },
    a.active ? "Disable" : "Enable",
  );
  toggle.disabled = self;
  if (self) toggle.title = "You cannot disable your own account";
  toggle.addEventListener("click", async () => {
    if (a.active && !window.confirm(`Disable ${a.name}? They are signed out at once and cannot sign in until enabled again.`)) return;
    const done = await act(toggle, error, () => api("POST", `/agents/${a.id}/active`, { active: !a.active }));
    if (done) {
      toast(`${done.agent.name} is ${done.agent.active ? "enabled" : "disabled and signed out"}.`);
      reload();
    }
  });
  const resetId = `agent-reset-${a.id}`;
  const password = h("input", {
    id: resetId,
    type: "password",
    minlength: "10",
    autocomplete: "new-password",
    placeholder: "New password",
    "aria-label": `New password for ${a.name}`,
  });
  const save = h("button", { type: "submit", class: "btn btn-ghost btn-sm" }, "Reset password");
  const reset = h("form", { class: "inline-form", "data-testid": "agent-reset" }, password, save);
  reset.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (password.value.length < 10) {
      showError(error, "The new password must have at least 10 characters.");
      password.focus();
      return;
    }
    const done = await act(save, error, () => api("POST", `/agents/${a.id}/password`, { password: password.value }));
    if (done) {
      password.value = "";
      toast(`${done.agent.name}'s password is reset; their open sessions were signed out.`);
    }
  });
  return h(
    "tr",
    { "data-testid": "agent-row" },
    h("td", { class: "strong" }, a.name),
    h("td", {}, a.email),
    h("td", {}, a.role === "admin" ? badge("admin", "info") : badge("agent", "neutral")),
    h("td", {}, a.active ? badge("active", "good") : badge("disabled", "bad"), " ", a.active && !a.available ? badge("away", "warn") : null),
    teamsCell(a, teams, error),
    h("td", { class: "agent-actions" }, toggle, reset),
  );
}

function agentForm() {
  const formError = errorBox("agent-form-error");
  const email = h("input", { id: "agent-email", type: "email", required: true, autocomplete: "off" });
  const name = h("input", { id: "agent-name-input", type: "text", autocomplete: "off", placeholder: "Shown to customers" });
  const password = h("input", {
    id: "agent-password",
    type: "password",
    required: true,
    minlength: "10",
    autocomplete: "new-password",
    "aria-describedby": "agent-password-hint",
  });
  const role = h("select", { id: "agent-role-select" }, h("option", { value: "agent" }, "Agent"), h("option", { value: "admin" }, "Admin"));
  const submit = h("button", { type: "submit", id: "agent-add", class: "btn btn-primary" }, "Add agent");
  const form = h(
    "form",
    { id: "agent-form", class: "form-grid", novalidate: true },
    formError,
    h("div", {}, h("label", { for: "agent-email" }, "Email"), email),
    h("div", {}, h("label", { for: "agent-name-input" }, "Name"), name),
    h(
      "div",
      {},
      h("label", { for: "agent-password" }, "Password"),
      password,
      h("p", { id: "agent-password-hint", class: "hint" }, "At least 10 characters. Share it privately."),
    ),
    h("div", {}, h("label", { for: "agent-role-select" }, "Role"), role),
    h("div", { class: "form-actions" }, submit),
  );
  return { form, formError, email, name, password, role, submit };
}

/** True (with the problem shown and the field to fix focused) when the form may not be sent yet. */
function invalid(fields) {
  if (!fields.email.value.includes("@")) {
    showError(fields.formError, "Enter the agent's email address.");
    fields.email.focus();
    return true;
  }
  if (fields.password.value.length < 10) {
    showError(fields.formError, "The password must have at least 10 characters.");
    fields.password.focus();
    return true;
  }
  return false;
}

export function agentsView() {
  const seq = state.viewSeq;
  if (!state.me || state.me.role !== "admin") {
    add($("view"), pageHeader("Agents"), h("p", { class: "alert alert-info" }, "Only admins can manage agents."));
    return {};
  }
  const box = h("div", { id: "agents-body" });
  const error = errorBox("agents-error");
  const fields = agentForm();
  add(
    $("view"),
    pageHeader("Agents"),
    error,
    h("section", { class: "card" }, h("h2", {}, "Team"), box),
    h("section", { class: "card" }, h("h2", {}, "Add an agent"), fields.form),
  );

  async function load() {
    const data = await getForView(seq, error, "/agents");
    if (!data) return;
    const teams = ((await getForView(seq, error, "/teams")) || {}).teams || [];
    fill(
      box,
      h(
        "table",
        { class: "table", id: "agents-table" },
        tableHead(["Name", "Email", "Role", "Account", "Teams", "Actions"], false),
        h("tbody", {}, (data.agents || []).map((a) => agentRow(a, load, error, teams))),
      ),
    );
  }

  async function addAgent(event) {
    event.preventDefault();
    if (invalid(fields)) return;
    const { email, name, password, role } = fields;
    const done = await act(fields.submit, fields.formError, () =>
      api("POST", "/agents", { email: email.value.trim(), name: name.value.trim(), password: password.value, role: role.value }),
    );
    if (done && current(seq)) {
      fields.form.reset();
      toast(`Added ${done.agent.name} <${done.agent.email}>.`);
      load();
    }
  }

  fields.form.addEventListener("submit", addAgent);
  load();
  return { refresh: load };
}
