// The agents view (admins only): the team's accounts and the form to add an agent.

import { $, add, errorBox, fill, h, pageHeader, showError, tableHead, toast } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { badge } from "../badges.js";
import { current, state } from "../state.js";
import { t } from "../texts.js";

// The teams an agent works in: one checkbox per team (DESK_TEAMS), saved on change.
function teamsCell(a, teams, error) {
  if (!teams.length) return h("td", { class: "muted small" }, t("agents_no_teams"));
  return h(
    "td",
    { "data-testid": "agent-teams" },
    teams.map((team) => {
      const id = `agent-${a.id}-team-${team.name}`;
      const box = h("input", { id, type: "checkbox", checked: (a.teams || []).includes(team.name) });
      box.addEventListener("change", async () => {
        const chosen = teams.filter((other) => document.getElementById(`agent-${a.id}-team-${other.name}`).checked).map((other) => other.name);
        const done = await act(null, error, () => api("POST", `/agents/${a.id}/teams`, { teams: chosen }));
        if (done) toast(t("agents_teams_saved", { name: done.agent.name, teams: done.agent.teams.join(", ") || t("agents_no_team") }));
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
    {
      type: "button",
      class: "btn btn-ghost btn-sm",
      "data-testid": "agent-toggle",
      "aria-label": t(a.active ? "agents_disable_named" : "agents_enable_named", { name: a.name }),
    },
    a.active ? t("agents_disable") : t("agents_enable"),
  );
  toggle.disabled = self;
  if (self) toggle.title = t("agents_cannot_disable_self");
  toggle.addEventListener("click", async () => {
    if (a.active && !window.confirm(t("agents_confirm_disable", { name: a.name }))) return;
    const done = await act(toggle, error, () => api("POST", `/agents/${a.id}/active`, { active: !a.active }));
    if (done) {
      toast(t(done.agent.active ? "agents_enabled" : "agents_disabled", { name: done.agent.name }));
      reload();
    }
  });
  const resetId = `agent-reset-${a.id}`;
  const password = h("input", {
    id: resetId,
    type: "password",
    minlength: "10",
    autocomplete: "new-password",
    placeholder: t("agents_new_password"),
    "aria-label": t("agents_new_password_for", { name: a.name }),
  });
  const save = h("button", { type: "submit", class: "btn btn-ghost btn-sm" }, t("agents_reset_password"));
  const reset = h("form", { class: "inline-form", "data-testid": "agent-reset" }, password, save);
  reset.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (password.value.length < 10) {
      showError(error, t("agents_new_password_short"));
      password.focus();
      return;
    }
    const done = await act(save, error, () => api("POST", `/agents/${a.id}/password`, { password: password.value }));
    if (done) {
      password.value = "";
      toast(t("agents_password_reset", { name: done.agent.name }));
    }
  });
  return h(
    "tr",
    { "data-testid": "agent-row" },
    h("td", { class: "strong" }, a.name),
    h("td", {}, a.email),
    h("td", {}, a.role === "admin" ? badge(t("agents_badge_admin"), "info") : badge(t("agents_badge_agent"), "neutral")),
    h("td", {}, a.active ? badge(t("agents_badge_active"), "good") : badge(t("agents_badge_disabled"), "bad"), " ", a.active && !a.available ? badge(t("agents_badge_away"), "warn") : null),
    teamsCell(a, teams, error),
    h("td", { class: "agent-actions" }, toggle, reset),
  );
}

function agentForm() {
  const formError = errorBox("agent-form-error");
  const email = h("input", { id: "agent-email", type: "email", required: true, autocomplete: "off" });
  const name = h("input", { id: "agent-name-input", type: "text", autocomplete: "off", placeholder: t("agents_name_placeholder") });
  const password = h("input", {
    id: "agent-password",
    type: "password",
    required: true,
    minlength: "10",
    autocomplete: "new-password",
    "aria-describedby": "agent-password-hint",
  });
  const role = h("select", { id: "agent-role-select" }, h("option", { value: "agent" }, t("role_agent")), h("option", { value: "admin" }, t("role_admin")));
  const submit = h("button", { type: "submit", id: "agent-add", class: "btn btn-primary" }, t("agents_add"));
  const form = h(
    "form",
    { id: "agent-form", class: "form-grid", novalidate: true },
    formError,
    h("div", {}, h("label", { for: "agent-email" }, t("field_email")), email),
    h("div", {}, h("label", { for: "agent-name-input" }, t("field_name")), name),
    h(
      "div",
      {},
      h("label", { for: "agent-password" }, t("field_password")),
      password,
      h("p", { id: "agent-password-hint", class: "hint" }, t("agents_password_hint")),
    ),
    h("div", {}, h("label", { for: "agent-role-select" }, t("field_role")), role),
    h("div", { class: "form-actions" }, submit),
  );
  return { form, formError, email, name, password, role, submit };
}

/** True (with the problem shown and the field to fix focused) when the form may not be sent yet. */
function invalid(fields) {
  if (!fields.email.value.includes("@")) {
    showError(fields.formError, t("agents_email_needed"));
    fields.email.focus();
    return true;
  }
  if (fields.password.value.length < 10) {
    showError(fields.formError, t("agents_password_short"));
    fields.password.focus();
    return true;
  }
  return false;
}

export function agentsView() {
  const seq = state.viewSeq;
  if (!state.me || state.me.role !== "admin") {
    add($("view"), pageHeader(t("section_agents")), h("p", { class: "alert alert-info" }, t("agents_admins_only")));
    return {};
  }
  const box = h("div", { id: "agents-body" });
  const error = errorBox("agents-error");
  const fields = agentForm();
  add(
    $("view"),
    pageHeader(t("section_agents")),
    error,
    h("section", { class: "card" }, h("h2", {}, t("agents_team")), box),
    h("section", { class: "card" }, h("h2", {}, t("agents_add_title")), fields.form),
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
        tableHead([t("field_name"), t("field_email"), t("field_role"), t("field_account"), t("field_teams"), t("actions")], false),
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
      toast(t("agents_added", { name: done.agent.name, email: done.agent.email }));
      load();
    }
  }

  fields.form.addEventListener("submit", addAgent);
  load();
  return { refresh: load };
}
