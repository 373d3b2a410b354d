// Live updates: the Server-Sent Events stream, its reconnects, the connection status, and handing events to the view.

import { $ } from "./dom.js";
import { API, api } from "./api.js";
import { notifyFor } from "./notify.js";
import { loadQueue, scheduleQueue } from "./queue_feed.js";
import { endSession, state } from "./state.js";
import { t } from "./texts.js";

const EVENT_TYPES = ["queue", "queue_changed", "message", "note", "typing"];

function setConnection(kind, text) {
  const status = $("connection-status");
  status.dataset.state = kind;
  $("connection-text").textContent = text;
}

export function disconnectEvents() {
  clearTimeout(state.reconnectTimer);
  if (state.events) state.events.close();
  state.events = null;
}

export function connectEvents() {
  clearTimeout(state.reconnectTimer);
  if (state.events) state.events.close();
  const source = new EventSource(`${API}/events`);
  state.events = source;
  setConnection("connecting", t("connection_connecting"));
  source.addEventListener("hello", () => {
    if (state.events !== source) return;
    setConnection("online", t("connection_online"));
    state.retryMs = 1000;
    // Events published before this stream was subscribed (or while it was down) are lost:
    // fetch what is on screen again.
    resync();
  });
  for (const type of EVENT_TYPES) source.addEventListener(type, onData);
  // The server lost live updates from other servers for a while (their relay): reload what is on screen.
  source.addEventListener("resync", () => {
    if (state.events === source) resync();
  });
  source.addEventListener("logged_out", () => endSession(t("session_expired")));
  source.onerror = () => onStreamError(source);
}

function onData(event) {
  let data;
  try {
    data = JSON.parse(event.data);
  } catch (err) {
    return;
  }
  dispatch(data);
}

function onStreamError(source) {
  if (state.events !== source || !state.me) return;
  setConnection("reconnecting", t("connection_reconnecting"));
  if (source.readyState === EventSource.CLOSED) {
    // The browser gave up (the server refused the stream): check the session, then retry.
    source.close();
    const wait = state.retryMs;
    state.retryMs = Math.min(state.retryMs * 2, 15000);
    state.reconnectTimer = setTimeout(retry, wait);
  }
}

async function retry() {
  try {
    await api("GET", "/me");
  } catch (err) {
    if (err.status === 401) return;
  }
  if (state.me) connectEvents();
}

function dispatch(event) {
  if (event.type === "queue" || event.type === "queue_changed") scheduleQueue();
  notifyFor(event);
  if (state.view && state.view.onEvent) state.view.onEvent(event);
}

function resync() {
  loadQueue();
  if (state.view && state.view.refresh) state.view.refresh();
}
