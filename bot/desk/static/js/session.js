// Signing in and out: the login form, the top bar's agent, starting the desk for a session and checking it on load.

import { $, showError, toast } from "./dom.js";
import { API, api, setCsrfToken } from "./api.js";
import { initials } from "./format.js";
import { connectEvents, disconnectEvents } from "./live.js";
import { initNotificationSettings } from "./notify.js";
import { loadQueue } from "./queue_feed.js";
import { route, stopView } from "./router.js";
import { onSessionEnd, state } from "./state.js";
import { t } from "./texts.js";

function showLogin(message) {
  $("app").hidden = true;
  $("login-view").hidden = false;
  const box = $("login-error");
  box.dataset.kind = "info";
  showError(box, message || "");
  $("login-password").value = "";
  $("login-submit").disabled = false;
  $("login-email").focus();
}

function loggedOut(message) {
  const wasIn = state.me !== null;
  state.me = null;
  disconnectEvents();
  stopView();
  clearTimeout(state.queueTimer);
  $("view").replaceChildren();
  document.title = t("app_name");
  if (wasIn || !$("login-view").hidden || message) showLogin(message);
}

async function submitLogin(event) {
  event.preventDefault();
  const email = $("login-email").value.trim();
  const password = $("login-password").value;
  const box = $("login-error");
  box.dataset.kind = "error";
  if (!email || !password) {
    showError(box, t("login_missing"));
    (email ? $("login-password") : $("login-email")).focus();
    return;
  }
  const button = $("login-submit");
  button.disabled = true;
  button.textContent = t("login_signing_in");
  try {
    const data = await api("POST", "/login", { email, password });
    showError(box, "");
    start(data.agent);
  } catch (err) {
    showError(box, err.status === 401 ? t("login_wrong") : err.message);
    $("login-password").select();
  } finally {
    button.disabled = false;
    button.textContent = t("login_submit");
  }
}

async function logOut() {
  try {
    await api("POST", "/logout");
  } catch (err) {
    /* signed out either way */
  }
  loggedOut(t("signed_out"));
}

// The available/away switch: away agents are not offered new conversations (the queue, the widget's header).
function showAvailability(available) {
  const button = $("availability-toggle");
  button.setAttribute("aria-pressed", String(available));
  button.dataset.available = String(available);
  $("availability-text").textContent = available ? t("availability_available") : t("availability_away");
  button.title = available ? t("availability_title_available") : t("availability_title_away");
}

async function toggleAvailability() {
  const button = $("availability-toggle");
  const wanted = button.getAttribute("aria-pressed") !== "true";
  button.disabled = true;
  try {
    const data = await api("POST", "/me/availability", { available: wanted });
    state.me = data.agent;
    showAvailability(data.agent.available);
    toast(data.agent.available ? t("availability_now_available") : t("availability_now_away"));
  } catch (err) {
    toast(t("availability_error", { error: err.message }));
  } finally {
    button.disabled = false;
  }
}

function start(agent) {
  state.me = agent;
  showAvailability(agent.available !== false);
  $("login-view").hidden = true;
  $("app").hidden = false;
  $("agent-name").textContent = agent.name;
  $("agent-role").textContent = agent.role === "admin" ? t("role_admin") : t("role_agent");
  $("agent-avatar").textContent = initials(agent.name);
  $("nav-agents-item").hidden = agent.role !== "admin";
  $("nav-analytics-item").hidden = agent.role !== "admin";
  connectEvents();
  loadQueue();
  if (!location.hash || location.hash === "#" || location.hash === "#/") history.replaceState(null, "", "#/queue");
  route(true);
}

export function initSession() {
  onSessionEnd(loggedOut);
  $("login-form").addEventListener("submit", submitLogin);
  $("logout-button").addEventListener("click", logOut);
  $("availability-toggle").addEventListener("click", toggleAvailability);
  initNotificationSettings();
}

/** On page load: resume the session the cookie holds, or show the sign-in form. */
export async function boot() {
  try {
    const response = await fetch(`${API}/me`, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.ok) {
      const data = await response.json();
      setCsrfToken(data.csrf_token || "");
      start(data.agent);
      return;
    }
  } catch (err) {
    showLogin(t("server_unreachable_reload"));
    return;
  }
  showLogin("");
}
