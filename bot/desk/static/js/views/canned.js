// The canned replies view: the team's shared replies (admins add, edit and delete them) and the
// agent's own; each is inserted in a reply box by typing "/" and its shortcut.

import { $, add, errorBox, fill, h, pageHeader, showError, tableHead, toast } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { badge } from "../badges.js";
import { current, state } from "../state.js";

const PLACEHOLDER_HELP =
  "Placeholders: {first_name}, {customer_name}, {order_number}, {ticket_reference}, {agent_name}; filled from the conversation when you insert the reply.";

function replyForm(isAdmin) {
  const error = errorBox("canned-form-error");
  const shortcut = h("input", { id: "canned-shortcut", type: "text", required: true, maxlength: "40", autocomplete: "off", placeholder: "refund", "aria-describedby": "canned-shortcut-hint" });
  const title = h("input", { id: "canned-title", type: "text", maxlength: "100", autocomplete: "off", placeholder: "Refund timing" });
  const text = h("textarea", { id: "canned-text", rows: "4", maxlength: "4000", required: true, "aria-describedby": "canned-text-hint" });
  const shared = h("input", { id: "canned-shared", type: "checkbox", checked: isAdmin });
  const submit = h("button", { type: "submit", id: "canned-save", class: "btn btn-primary" }, "Add reply");
  const cancel = h("button", { type: "button", id: "canned-cancel", class: "btn btn-ghost", hidden: true }, "Cancel editing");
  const form = h(
    "form",
    { id: "canned-form", class: "form-grid", novalidate: true },
    error,
    h("div", {}, h("label", { for: "canned-shortcut" }, "Shortcut"), shortcut, h("p", { id: "canned-shortcut-hint", class: "hint" }, "Typed after / in the reply box: lowercase letters, digits, - or _.")),
    h("div", {}, h("label", { for: "canned-title" }, "Title"), title),
    h("div", { class: "form-wide" }, h("label", { for: "canned-text" }, "Reply"), text, h("p", { id: "canned-text-hint", class: "hint" }, PLACEHOLDER_HELP)),
    isAdmin ? h("div", {}, h("label", { for: "canned-shared", class: "checkbox" }, shared, " Shared with the whole team")) : null,
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
    pageHeader("Canned replies"),
    h("p", { class: "muted" }, "Type / and a shortcut in a reply box to insert one. ", isAdmin ? "Shared replies are yours to manage as an admin." : "Shared replies are managed by admins; your own are yours."),
    error,
    h("section", { class: "card" }, h("h2", {}, "Replies"), box),
    h("section", { class: "card" }, h("h2", { id: "canned-form-title" }, "Add a reply"), fields.form),
  );

  function startEdit(reply) {
    editing = reply;
    fields.shortcut.value = reply.shortcut;
    fields.title.value = reply.title;
    fields.text.value = reply.text;
    fields.shared.checked = reply.shared;
    fields.shared.disabled = true;
    fields.submit.textContent = "Save changes";
    fields.cancel.hidden = false;
    $("canned-form-title").textContent = `Edit /${reply.shortcut}`;
    fields.text.focus();
  }

  function stopEdit() {
    editing = null;
    fields.form.reset();
    fields.shared.checked = isAdmin;
    fields.shared.disabled = false;
    fields.submit.textContent = "Add reply";
    fields.cancel.hidden = true;
    $("canned-form-title").textContent = "Add a reply";
  }

  function row(reply) {
    const mayChange = reply.shared ? isAdmin : true;
    const edit = h("button", { type: "button", class: "btn btn-ghost btn-sm", "aria-label": `Edit /${reply.shortcut}` }, "Edit");
    const remove = h("button", { type: "button", class: "btn btn-ghost btn-sm", "aria-label": `Delete /${reply.shortcut}` }, "Delete");
    edit.addEventListener("click", () => startEdit(reply));
    remove.addEventListener("click", async () => {
      if (!window.confirm(`Delete the canned reply /${reply.shortcut}?`)) return;
      if (await act(remove, error, () => api("DELETE", `/canned/${reply.id}`))) {
        toast(`Deleted /${reply.shortcut}.`);
        load();
      }
    });
    return h(
      "tr",
      { "data-testid": "canned-row" },
      h("td", { class: "mono" }, `/${reply.shortcut}`),
      h("td", { class: "strong" }, reply.title),
      h("td", { class: "pre small" }, reply.text),
      h("td", {}, reply.shared ? badge("shared", "info") : badge("yours", "neutral")),
      h("td", { class: "actions" }, mayChange ? [edit, remove] : h("span", { class: "muted small" }, "admins only")),
    );
  }

  async function load() {
    const data = await getForView(seq, error, "/canned");
    if (!data) return;
    const replies = data.replies || [];
    fill(
      box,
      replies.length
        ? h("table", { class: "table", id: "canned-table" }, tableHead(["Shortcut", "Title", "Reply", "Kind", "Actions"], false), h("tbody", {}, replies.map(row)))
        : h("p", { class: "empty" }, "No canned replies yet."),
    );
  }

  fields.cancel.addEventListener("click", stopEdit);
  fields.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!fields.shortcut.value.trim() || !fields.text.value.trim()) {
      showError(fields.error, "A reply needs a shortcut and a text.");
      (fields.shortcut.value.trim() ? fields.text : fields.shortcut).focus();
      return;
    }
    const body = { shortcut: fields.shortcut.value.trim(), title: fields.title.value.trim(), text: fields.text.value };
    const done = await act(fields.submit, fields.error, () =>
      editing ? api("POST", `/canned/${editing.id}`, body) : api("POST", "/canned", { ...body, shared: isAdmin && fields.shared.checked }),
    );
    if (done && current(seq)) {
      toast(`${editing ? "Saved" : "Added"} /${done.reply.shortcut}.`);
      stopEdit();
      load();
    }
  });
  load();
  return { refresh: load };
}
