// Labels on a conversation or a ticket: the chips (each with a remove button) and a box to add
// one (Enter), suggesting the names the team already uses.

import { errorBox, h, showError } from "../dom.js";
import { api } from "../api.js";
import { t } from "../texts.js";

let known = null; // the names in use, loaded once per page

async function suggestions(list) {
  if (known === null) {
    try {
      known = ((await api("GET", "/labels")).labels || []).map((l) => l.name);
    } catch (err) {
      known = [];
    }
  }
  list.replaceChildren(...known.map((name) => h("option", { value: name })));
}

/** Small label chips (read-only), for lists. */
export function labelChips(names) {
  return (names || []).map((name) => h("span", { class: "label-chip", "data-testid": "label" }, name));
}

/** The editor for `kind` ("conversation" | "ticket") `target`; `render(names)` shows new labels. */
export function createLabelsEditor(kind, target) {
  const idBase = `labels-${kind}`;
  const chips = h("ul", { class: "label-list", id: `${idBase}-list`, "aria-label": t("labels_label") });
  const datalist = h("datalist", { id: `${idBase}-known` });
  const input = h("input", {
    id: `${idBase}-input`,
    type: "text",
    maxlength: "40",
    list: `${idBase}-known`,
    placeholder: t("labels_placeholder"),
    autocomplete: "off",
    class: "label-input",
  });
  const error = errorBox(`${idBase}-error`);
  const box = h(
    "div",
    { class: "labels-editor", "data-testid": `${kind}-labels` },
    chips,
    h("label", { for: `${idBase}-input`, class: "sr-only" }, t(`labels_add_to_${kind}`)),
    input,
    datalist,
    error,
  );

  function render(names) {
    chips.replaceChildren(
      ...(names || []).map((name) =>
        h(
          "li",
          { class: "label-chip", "data-testid": "label" },
          name,
          h("button", { type: "button", class: "label-remove", "aria-label": t("labels_remove", { name }), onclick: () => change("/labels/remove", name) }, "×"),
        ),
      ),
    );
  }

  async function change(path, name) {
    showError(error, "");
    try {
      const data = await api("POST", path, { kind, target, name });
      render(data.labels);
      known = null; // the names in use may have changed
      return true;
    } catch (err) {
      showError(error, err.message);
      return false;
    }
  }

  input.addEventListener("focus", () => suggestions(datalist));
  input.addEventListener("keydown", async (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const name = input.value.trim();
    if (name && (await change("/labels", name))) input.value = "";
  });

  return { box, render };
}
