// The handoff queue, kept fresh whatever the view: the nav badge, the page title and the top bar's team and hours.

import { $, fill, h } from "./dom.js";
import { api } from "./api.js";
import { badge } from "./badges.js";
import { toDate } from "./format.js";
import { state } from "./state.js";
import { t } from "./texts.js";

export function scheduleQueue() {
  clearTimeout(state.queueTimer);
  state.queueTimer = setTimeout(loadQueue, 150);
}

export async function loadQueue() {
  if (!state.me) return;
  let data;
  try {
    data = await api("GET", "/queue");
  } catch (err) {
    return;
  }
  stampTimes(data.handoffs || [], Date.now());
  state.queue = data;
  showWaiting((data.handoffs || []).filter((h) => h.status === "queued").length);
  showTopbar(data);
  if (state.view && state.view.onQueue) state.view.onQueue(data);
}

/** When each handoff started waiting and was claimed, in this browser's clock. */
function stampTimes(handoffs, fetchedAt) {
  for (const handoff of handoffs) {
    handoff._sinceMs = fetchedAt - (handoff.waiting_seconds || 0) * 1000;
    handoff._claimedMs = toDate(handoff.claimed_at) ? toDate(handoff.claimed_at).getTime() : null;
  }
}

function showWaiting(waiting) {
  const badgeEl = $("queue-badge");
  badgeEl.textContent = String(waiting);
  badgeEl.hidden = waiting === 0;
  badgeEl.setAttribute("aria-label", t("queue_badge_waiting", { count: waiting }));
  document.title = waiting ? t("page_title_waiting", { count: waiting, app: t("app_name") }) : t("app_name");
}

function showTopbar(data) {
  const online = data.agents_online;
  fill(
    $("topbar-info"),
    h("span", {}, t("agents_online", { count: online })),
    h("span", { class: "sep", "aria-hidden": "true" }, "·"),
    h("span", {}, t("topbar_hours", { hours: data.business_hours })),
    h("span", { class: "sep", "aria-hidden": "true" }, "·"),
    data.open_now ? badge(t("open_now"), "good") : badge(t("closed_now"), "bad"),
  );
}
