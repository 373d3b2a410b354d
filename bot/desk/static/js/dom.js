// Element helpers: building nodes from text (never HTML), replacing children, errors, the toast, headers, tables.

import { t } from "./texts.js";

export const $ = (id) => document.getElementById(id);

/** Build an element. Children that are not nodes become text nodes (never parsed as HTML). */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (["value", "disabled", "checked", "selected", "hidden", "required"].includes(key)) node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  add(node, ...children);
  return node;
}

export function add(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace a container's children, keeping keyboard focus on the "same" element if it had it. */
export function fill(container, ...children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : null;
  container.replaceChildren();
  add(container, ...children);
  if (key) {
    const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

/**
 * Move focus to `el` after an action finished, unless the agent went on typing somewhere else
 * meanwhile (a note while a reply was sending): focus is never pulled out of another field.
 */
export function focusIfIdle(el) {
  const active = document.activeElement;
  const typing = active && active !== el && (active.matches("input, textarea, select") || active.isContentEditable);
  if (!typing) el.focus();
}

export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

export function toast(message, kind) {
  const box = $("toast");
  box.textContent = message;
  box.dataset.kind = kind || "info";
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    box.hidden = true;
  }, 4000);
}

export function errorBox(id) {
  return h("div", { id, class: "alert alert-error", role: "alert", hidden: true });
}

export function showError(box, message) {
  if (!box) return;
  box.textContent = message || "";
  box.hidden = !message;
}

export function pageHeader(title, ...extra) {
  return h(
    "div",
    { class: "page-header" },
    h("h1", { id: "view-title", tabindex: "-1" }, title),
    h("div", { class: "page-actions" }, extra),
  );
}

/** A table head: one column header per label, then (if `actions`) an unlabelled "Actions" column. */
export function tableHead(labels, actions) {
  return h(
    "thead",
    {},
    h(
      "tr",
      {},
      labels.map((label) => h("th", { scope: "col" }, label)),
      actions ? h("th", { scope: "col" }, h("span", { class: "sr-only" }, t("actions"))) : null,
    ),
  );
}

/** A definition list of [label, value] pairs, leaving out the empty values. */
export function dlPairs(pairs) {
  return h(
    "dl",
    { class: "kv" },
    pairs.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
}
