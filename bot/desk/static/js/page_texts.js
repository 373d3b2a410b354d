// The static words of index.html (sign-in form, top bar, nav), set from TEXTS at start so they
// are translated with the rest. index.html keeps the English markup (what shows before this
// script runs); its <noscript> line cannot be set from a script and stays as written there.

import { t } from "./texts.js";

// [selector, key]: the element's own text (its first non-blank text node; children such as
// badges, dots and checkboxes are kept, and so is the whitespace around the words).
const TEXT = [
  [".skip-link", "skip_to_content"],
  [".brand", "app_name"],
  ["#login-title", "login_title"],
  ["#login-form p.muted", "login_intro"],
  ['label[for="login-email"]', "field_email"],
  ['label[for="login-password"]', "field_password"],
  ["#login-submit", "login_submit"],
  ["#connection-text", "connection_connecting"],
  ["#availability-text", "availability_available"],
  ["#notify-button", "notifications"],
  ['label[for="pref-notify_waiting"]', "pref_notify_waiting"],
  ['label[for="pref-notify_replies"]', "pref_notify_replies"],
  ['label[for="pref-sound"]', "pref_sound"],
  ["#logout-button", "log_out"],
  ["#nav-queue", "section_queue"],
  ["#nav-conversations", "section_conversations"],
  ["#nav-tickets", "section_tickets"],
  ["#nav-canned", "section_canned"],
  ["#nav-stats", "section_stats"],
  ["#nav-analytics", "section_analytics"],
  ["#nav-agents", "section_agents"],
];

// [selector, attribute, key]
const ATTRIBUTES = [
  ["#availability-toggle", "title", "availability_title_initial"],
  ["#notify-panel", "aria-label", "notification_settings"],
  ["nav.sidenav", "aria-label", "nav_label"],
];

/** Replace the words of `el`'s first non-blank text node, keeping the spaces around them. */
function setOwnText(el, text) {
  const node = [...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  if (!node) return;
  const [, before, , after] = node.textContent.match(/^(\s*)([\s\S]*?)(\s*)$/);
  node.textContent = before + text + after;
}

export function applyPageTexts() {
  document.title = t("app_name");
  for (const [selector, key] of TEXT) {
    document.querySelectorAll(selector).forEach((el) => setOwnText(el, t(key)));
  }
  for (const [selector, attribute, key] of ATTRIBUTES) {
    const el = document.querySelector(selector);
    if (el) el.setAttribute(attribute, t(key));
  }
}
