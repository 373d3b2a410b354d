// Dates, times, durations and initials as the desk shows them, and the live "waiting for" counters.

import { h } from "./dom.js";
import { t } from "./texts.js";

export function toDate(value) {
  if (value === null || value === undefined || value === "") return null;
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function fmtTime(value) {
  const date = toDate(value);
  if (!date) return "";
  const now = new Date();
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString([], { day: "numeric", month: "short" })}, ${time}`;
}

export function fmtFull(value) {
  const date = toDate(value);
  return date ? date.toLocaleString() : "";
}

function fmtDuration(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return t("duration_seconds", { s: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t("duration_minutes", { m: minutes, s: String(seconds % 60).padStart(2, "0") });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t("duration_hours", { h: hours, m: String(minutes % 60).padStart(2, "0") });
  return t("duration_days", { d: Math.floor(hours / 24) });
}

export function ago(value) {
  const date = toDate(value);
  return date ? t("time_ago", { duration: fmtDuration(Date.now() - date.getTime()) }) : "";
}

/** A span that counts up from `sinceMs` (updated every second by the ticker). */
export function ticking(sinceMs, extraClass) {
  const span = h("span", { class: `ticking ${extraClass || ""}`.trim(), dataset: { sinceMs: String(sinceMs) } });
  updateTicking(span, Date.now());
  return span;
}

function updateTicking(span, now) {
  const elapsed = now - Number(span.dataset.sinceMs);
  span.textContent = fmtDuration(elapsed);
  span.classList.toggle("wait-warn", elapsed >= 3 * 60_000 && elapsed < 10 * 60_000);
  span.classList.toggle("wait-bad", elapsed >= 10 * 60_000);
}

/** Update every counter on the page once a second. */
export function startTicker() {
  setInterval(() => {
    const now = Date.now();
    document.querySelectorAll("[data-since-ms]").forEach((span) => updateTicking(span, now));
  }, 1000);
}

export function initials(name) {
  return (name || "?")
    .split(/[\s@._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0].toUpperCase())
    .join("");
}
