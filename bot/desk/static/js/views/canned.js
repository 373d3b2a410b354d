// The canned replies view: the team's shared replies (admins add, edit and delete them) and the
// agent's own; each is inserted in a reply box by typing "/" and its shortcut.

import { $, add, errorBox, fill, h, pageHeader, showError, tableHead, toast } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { badge } from "../badges.js";
import { current, state } from "../state.js";
import { t } from "../texts.js";

function replyForm(isAdmin) {
  const error = errorBox("canned-form-error");
  const shortcut = h("input", { id: "canned-shortcut", type: "text", required: true, maxlength: "40", autocomplete: "off", placeholder: t("canned_shortcut_placeholder"), "aria-describedby": "canned-shortcut-hint" });
  const title = h("input", { id: "canned-title", type: "text", maxlength: "100", autocomplete: "off", placeholder: t("canned_title_placeholder") });
  const text = h("textarea", { id: "canned-text", rows: "4", maxlength: "4000", required: true, "aria-describedby": "canned-text-hint" });
  const shared = h("input", { id: "canned-shared", type: "checkbox", checked: isAdmin });
  const submit = h("button", { type: "submit", id: "canned-save", class: "btn btn-primary" }, t("canned_add_reply"));
  const cancel = h("button", { type: "button", id: "canned-cancel", class: "btn btn-ghost", hidden: true }, t("canned_cancel_editing"));
  const form = h(
    "form",
    { id: "canned-form", class: "form-grid", novalidate: true },
    error,
    h("div", {}, h("label", { for: "canned-shortcut" }, t("field_shortcut")), shortcut, h("p", { id: "canned-shortcut-hint", class: "hint" }, t("canned_shortcut_hint"))),
    h("div", {}, h("label", { for: "canned-title" }, t("field_title")), title),
    h("div", { class: "form-wide" }, h("label", { for: "canned-text" }, t("field_reply")), text, h("p", { id: "canned-text-hint", class: "hint" }, t("canned_placeholder_help"))),
    isAdmin ? h("div", {}, h("label", { for: "canned-shared", class: "checkbox" }, shared, " ", t("canned_shared_with_team"))) : null,
    h("div", { class: "form-actions" }, submit, cancel),
  );
  return { form, error, shortcut, title, text, shared, submit, cancel };
}

export function cannedView() {
  const seq = state.viewSeq;
  const isAdmin = Boolean(state.me && state.me.role === "admin");
  const error = errorBox("canned-error");
  const box = h("div", { id: "canned-body" });
  const fields = replyForm(isAdmin);
  let editing = null; // the reply being edited, or null when adding
  add(
    $("view"),
    pageHeader(t("section_canned")),
    h("p", { class: "muted" }, t("canned_intro"), " ", isAdmin ? t("canned_intro_admin") : t("canned_intro_agent")),
    error,
    h("section", { class: "card" }, h("h2", {}, t("canned_replies")), box),
    h("section", { class: "card" }, h("h2", { id: "canned-form-title" }, t("canned_add_title")), fields.form),
  );

  function startEdit(reply) {
    editing = reply;
    fields.shortcut.value = reply.shortcut;
    fields.title.value = reply.title;
    fields.text.value = reply.text;
    fields.shared.checked = reply.shared;
    fields.shared.disabled = true;
    fields.submit.textContent = t("canned_save_changes");
    fields.cancel.hidden = false;
    $("canned-form-title").textContent = t("canned_edit_named", { shortcut: reply.shortcut });
    fields.text.focus();
  }

  function stopEdit() {
    editing = null;
    fields.form.reset();
    fields.shared.checked = isAdmin;
    fields.shared.disabled = false;
    fields.submit.textContent = t("canned_add_reply");
    fields.cancel.hidden = true;
    $("canned-form-title").textContent = t("canned_add_title");
  }

  function row(reply) {
    const mayChange = reply.shared ? isAdmin : true;
    const edit = h("button", { type: "button", class: "btn btn-ghost btn-sm", "aria-label": t("canned_edit_named", { shortcut: reply.shortcut }) }, t("canned_edit"));
    const remove = h("button", { type: "button", class: "btn btn-ghost btn-sm", "aria-label": t("canned_delete_named", { shortcut: reply.shortcut }) }, t("canned_delete"));
    edit.addEventListener("click", () => startEdit(reply));
    remove.addEventListener("click", async () => {
      if (!window.confirm(t("canned_confirm_delete", { shortcut: reply.shortcut }))) return;
      if (await act(remove, error, () => api("DELETE", `/canned/${reply.id}`))) {
        toast(t("canned_deleted", { shortcut: reply.shortcut }));
        load();
      }
    });
    return h(
      "tr",
      { "data-testid": "canned-row" },
      h("td", { class: "mono" }, `/${reply.shortcut}`),
      h("td", { class: "strong" }, reply.title),
      h("td", { class: "pre small" }, reply.text),
      h("td", {}, reply.shared ? badge(t("canned_kind_shared"), "info") : badge(t("canned_kind_yours"), "neutral")),
      h("td", { class: "actions" }, mayChange ? [edit, remove] : h("span", { class: "muted small" }, t("canned_admins_only"))),
    );
  }

  async function load() {
    const data = await getForView(seq, error, "/canned");
    if (!data) return;
    const replies = data.replies || [];
    fill(
      box,
      replies.length
        ? h("table", { class: "table", id: "canned-table" }, tableHead([t("field_shortcut"), t("field_title"), t("field_reply"), t("field_kind"), t("actions")], false), h("tbody", {}, replies.map(row)))
        : h("p", { class: "empty" }, t("canned_empty")),
    );
  }

  fields.cancel.addEventListener("click", stopEdit);
  fields.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!fields.shortcut.value.trim() || !fields.text.value.trim()) {
      showError(fields.error, t("canned_needs_text"));
      (fields.shortcut.value.trim() ? fields.text : fields.shortcut).focus();
      return;
    }
    const body = { shortcut: fields.shortcut.value.trim(), title: fields.title.value.trim(), text: fields.text.value };
    const done = await act(fields.submit, fields.error, () =>
      editing ? api("POST", `/canned/${editing.id}`, body) : api("POST", "/canned", { ...body, shared: isAdmin && fields.shared.checked }),
    );
    if (done && current(seq)) {
      toast(t(editing ? "canned_saved" : "canned_added", { shortcut: done.reply.shortcut }));
      stopEdit();
      load();
    }
  });
  load();
  return { refresh: load };
}
