// Notifications: a browser notification and a short sound when a customer starts waiting, and when
// a customer replies in a conversation the agent owns; each agent chooses which (their
// preferences, kept with their account). Away agents are not told about new waiting customers,
// nor agents in teams about another team's.

import { $, h, toast } from "./dom.js";
import { api } from "./api.js";
import { customerLabel } from "./badges.js";
import { state } from "./state.js";
import { t } from "./texts.js";

const announced = new Set(); // handoff ids already announced as waiting
let audio = null;

function prefs() {
  return (state.me && state.me.preferences) || {};
}

/** A short two-tone chime made with Web Audio (no sound file to serve). */
function chime() {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const now = audio.currentTime;
    [880, 660].forEach((frequency, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.15 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.15 + 0.14);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.15);
      osc.stop(now + i * 0.15 + 0.15);
    });
  } catch (err) {
    /* no audio device: the notification still shows */
  }
}

function alertAgent(title, body, link, tag) {
  if (prefs().sound !== false) chime();
  state.lastAlert = { title, body, link }; // for the page's own status line
  if ("Notification" in window && Notification.permission === "granted") {
    const note = new Notification(title, { body, tag });
    note.onclick = () => {
      window.focus();
      location.hash = link;
      note.close();
    };
  } else {
    toast(t("notify_toast", { title, body }));
  }
}

function viewing(handoffId) {
  return location.hash === `#/handoff/${handoffId}` && document.visibilityState === "visible";
}

function ownHandoff(handoffId) {
  const handoffs = (state.queue && state.queue.handoffs) || [];
  const found = handoffs.find((x) => x.id === handoffId);
  return Boolean(found && state.me && found.agent_id === state.me.id);
}

/** Called with every live event (live.js). */
export function notifyFor(event) {
  if (!state.me) return;
  const handoff = event.handoff;
  if (event.type === "queue" && handoff && handoff.status === "queued" && !announced.has(handoff.id)) {
    announced.add(handoff.id);
    const myTeams = state.me.teams || [];
    const forMe = !handoff.team || !myTeams.length || myTeams.includes(handoff.team);
    if (prefs().notify_waiting !== false && state.me.available !== false && forMe && !viewing(handoff.id)) {
      const about = { customer: customerLabel(handoff), channel: handoff.channel, reason: handoff.reason_text };
      const body = handoff.reason_text ? t("notify_waiting_body_reason", about) : t("notify_waiting_body", about);
      alertAgent(t("notify_waiting_title"), body, `#/handoff/${handoff.id}`, `waiting-${handoff.id}`);
    }
  }
  const entry = event.entry;
  if (event.type === "message" && entry && entry.who === "customer" && ownHandoff(event.handoff_id)) {
    if (prefs().notify_replies !== false && !viewing(event.handoff_id)) {
      alertAgent(t("notify_reply_title"), String(entry.text || "").slice(0, 140), `#/handoff/${event.handoff_id}`, `reply-${event.handoff_id}`);
    }
  }
}

/** The "Notifications" settings in the top bar: three switches and the browser's permission. */
export function initNotificationSettings() {
  const button = $("notify-button");
  const panel = $("notify-panel");
  const permission = $("notify-permission");
  function showPermission() {
    if (!("Notification" in window)) permission.textContent = t("notify_unsupported");
    else if (Notification.permission === "granted") permission.textContent = t("notify_granted");
    else if (Notification.permission === "denied") permission.textContent = t("notify_denied");
    else permission.replaceChildren(h("button", { type: "button", class: "btn btn-ghost btn-sm", id: "notify-allow", onclick: allow }, t("notify_allow")));
  }
  async function allow() {
    await Notification.requestPermission();
    showPermission();
  }
  function fillSwitches() {
    for (const key of ["notify_waiting", "notify_replies", "sound"]) $(`pref-${key}`).checked = prefs()[key] !== false;
  }
  button.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) {
      fillSwitches();
      showPermission();
      $("pref-notify_waiting").focus();
    }
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
  panel.addEventListener("change", async (event) => {
    const key = event.target.id.replace(/^pref-/, "");
    try {
      const data = await api("POST", "/me/preferences", { [key]: event.target.checked });
      state.me = data.agent;
    } catch (err) {
      event.target.checked = !event.target.checked;
      toast(t("save_failed", { error: err.message }));
    }
  });
}
