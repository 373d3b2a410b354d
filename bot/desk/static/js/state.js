// The desk's shared mutable state (the agent, the live stream, the queue, the view on screen) and the session-end hook.

export const state = {
  me: null,
  events: null,
  retryMs: 1000,
  reconnectTimer: null,
  queue: null,
  queueTimer: null,
  view: null,
  viewSeq: 0,
  ticketFilter: "open",
  statsDays: 30,
  analyticsRange: "7d",
  analyticsChannel: "",
  analyticsFrom: "",
  analyticsTo: "",
};

/** True while the view that started a request is still the one on screen. */
export function current(seq) {
  return seq === state.viewSeq && state.me !== null;
}

// What to do when the server says the session is over (set by session.js, called by the API
// and the live stream, which must not depend on the sign-in screen themselves).
let sessionEndHandler = () => {};

export function onSessionEnd(handler) {
  sessionEndHandler = handler;
}

export function endSession(message) {
  sessionEndHandler(message);
}
