// The desk API client: JSON requests with the session's CSRF token, errors as ApiError, button actions.

import { showError, toast } from "./dom.js";
import { current, endSession } from "./state.js";
import { t } from "./texts.js";

export const API = "/desk/api";

class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// The session's anti-forgery token (from /login and /me): every change sends it back, and a
// page on another site can neither read it nor make the browser send it.
let csrfToken = "";

export function setCsrfToken(token) {
  csrfToken = token;
}

function requestOptions(method, body) {
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (method !== "GET") {
    options.headers["X-CSRF-Token"] = csrfToken;
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body || {});
  }
  return options;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch (err) {
    return null;
  }
}

export async function api(method, path, body) {
  const options = requestOptions(method, body);
  let response;
  try {
    response = await fetch(API + path, options);
  } catch (err) {
    throw new ApiError(t("server_unreachable"), 0);
  }
  const data = await readJson(response);
  if (response.status === 401 && path !== "/login") {
    endSession(t("session_ended"));
    throw new ApiError((data && data.error) || t("please_log_in"), 401);
  }
  if (!response.ok) {
    throw new ApiError((data && data.error) || t("server_answered", { status: response.status }), response.status);
  }
  if (data && typeof data.csrf_token === "string") csrfToken = data.csrf_token;
  return data || {};
}

/** GET `path` for the view `seq`: its data, or null if the request failed (shown in `box`) or the view changed. */
export async function getForView(seq, box, path) {
  let data;
  try {
    data = await api("GET", path);
  } catch (err) {
    if (current(seq) && err.status !== 401) showError(box, err.message);
    return null;
  }
  return current(seq) ? data : null;
}

/** Run an action from a button: disable it meanwhile, report errors in `box` or a toast. */
export async function act(button, box, fn) {
  if (button) button.disabled = true;
  showError(box, "");
  try {
    return await fn();
  } catch (err) {
    if (err.status !== 401) {
      if (box) showError(box, err.message);
      else toast(err.message, "error");
    }
    return undefined;
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}
