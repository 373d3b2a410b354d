// The service dashboard (admins): the report of bot/analytics (the same figures `python -m bot
// report` prints) as tiles, a table per channel, charts, the unanswered questions grouped by
// meaning (each with its conversations and "Draft an article"), and the least helpful articles.

import { $, add, errorBox, fill, h, pageHeader, showError, tableHead } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { fmtFull } from "../format.js";
import { state } from "../state.js";
import { channelName, drawCharts, loadChartJs } from "./analytics_charts.js";

const RANGES = [
  ["24h", "Last 24 hours"],
  ["7d", "Last 7 days"],
  ["30d", "Last 30 days"],
  ["90d", "Last 90 days"],
];
const CHANNELS = [
  ["", "All channels"],
  ["webchat", "Website"],
  ["slack", "Slack"],
  ["telegram", "Telegram"],
  ["rest", "REST"],
];

const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)} %`);
const num = (v, digits = 2) => (v === null || v === undefined ? "—" : Number(v).toFixed(digits));

/** Seconds as people read them: "4.2 s", "3 min 5 s", "2 h 10 min". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs} h ${m % 60} min`;
  return `${Math.floor(hrs / 24)} d ${hrs % 24} h`;
}

function tile(key, label, value, detail) {
  return h(
    "div",
    { class: "kpi", "data-kpi": key },
    h("div", { class: "kpi-label" }, label),
    h("div", { class: "kpi-value", "data-testid": `kpi-${key}` }, value),
    detail ? h("div", { class: "kpi-detail" }, detail) : null,
  );
}

function tiles(t) {
  return h(
    "section",
    { class: "kpis", "aria-label": "Key figures" },
    tile("conversations", "Conversations", String(t.conversations), `${t.pending} still open`),
    tile("containment", "Containment", pct(t.containment_rate), `${t.contained} of ${t.decided} resolved without a person`),
    tile("escalation", "Handoff rate", pct(t.escalation_rate), `${t.escalated} handed to a person`),
    tile("bot-frt", "Assistant first response", duration(t.bot_frt_median), `median; p90 ${duration(t.bot_frt_p90)}`),
    tile(
      "human-frt",
      "Person first response",
      duration(t.human_frt_median),
      `median in business hours; p90 ${duration(t.human_frt_p90)}; ${t.waiting_for_person} waiting`,
    ),
    tile("resolution", "Time to resolution", duration(t.resolution_time_median), `median; p90 ${duration(t.resolution_time_p90)}`),
    tile("fcr", "First-contact resolution", pct(t.fcr_rate), `${t.fcr} of ${t.resolved}; ${t.fcr_window_open} still inside 7 days`),
    tile("csat", "CSAT", num(t.csat_average), `${pct(t.csat_percent)} satisfied; ${pct(t.csat_response_rate)} answered (${t.csat_rated}/${t.csat_asked})`),
  );
}

function channelTable(channels) {
  const rows = Object.entries(channels);
  if (!rows.length) return h("p", { class: "empty" }, "No conversations in this range.");
  return h(
    "table",
    { class: "table", id: "analytics-channels" },
    tableHead(["Channel", "Conversations", "Containment", "Handoffs", "Assistant FRT", "Person FRT", "FCR", "CSAT", "CSAT answered"]),
    h(
      "tbody",
      {},
      rows.map(([channel, a]) =>
        h(
          "tr",
          { "data-channel": channel },
          h("th", { scope: "row" }, channelName(channel)),
          h("td", {}, String(a.conversations)),
          h("td", {}, pct(a.containment_rate)),
          h("td", {}, `${a.escalated} (${pct(a.escalation_rate)})`),
          h("td", {}, duration(a.bot_frt_median)),
          h("td", {}, duration(a.human_frt_median)),
          h("td", {}, pct(a.fcr_rate)),
          h("td", {}, num(a.csat_average)),
          h("td", {}, pct(a.csat_response_rate)),
        ),
      ),
    ),
  );
}

function draftButton(group, result) {
  const button = h("button", { class: "btn btn-sm", type: "button", "data-testid": "draft-article" }, "Draft an article");
  button.addEventListener("click", () =>
    act(button, result, async () => {
      const title = group.representative.replace(/[?？!！.。]+$/, "");
      const data = await api("POST", "/analytics/drafts", { title, questions: group.questions.map((q) => q.text) });
      fill(result, h("span", { class: "draft-done" }, `Draft written: ${data.path}. Edit it, remove "draft: true", then ingest.`));
      result.hidden = false;
      button.disabled = true;
      return true;
    }),
  );
  return button;
}

function groupCard(group) {
  const result = h("div", { class: "alert alert-info", role: "status", hidden: true });
  return h(
    "li",
    { class: "card gap-group", "data-testid": "gap-group" },
    h(
      "div",
      { class: "gap-head" },
      h("h3", {}, `“${group.representative}”`),
      h("span", { class: "badge" }, `${group.count} ×`),
      draftButton(group, result),
    ),
    result,
    h("p", { class: "muted small" }, group.questions.map((q) => `${q.text}${q.count > 1 ? ` (${q.count})` : ""}`).join(" · ")),
    h(
      "ul",
      { class: "gap-links" },
      group.conversations.map((c) =>
        h(
          "li",
          {},
          c.sender_id
            ? h("a", { href: `#/conversation/${encodeURIComponent(c.sender_id)}` }, `“${c.question}”`)
            : h("span", {}, `“${c.question}”`),
          h("span", { class: "muted small" }, ` ${channelName(c.channel || "")} · ${fmtFull(c.at)}`),
        ),
      ),
    ),
  );
}

function unansweredSection(groups) {
  if (groups === null) return h("p", { class: "muted" }, "The help centre is not available: questions cannot be grouped.");
  if (!groups.length) return h("p", { class: "empty" }, "No unanswered questions in this range.");
  return h("ol", { class: "gap-groups", id: "analytics-unanswered" }, groups.map(groupCard));
}

function articlesTable(articles) {
  if (!articles.length) return h("p", { class: "empty" }, "No article was rated in this range.");
  return h(
    "table",
    { class: "table", id: "analytics-articles" },
    tableHead(["Article", "Helpful", "Not helpful", "Helpful %"]),
    h(
      "tbody",
      {},
      articles.slice(0, 15).map((a) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, a.url ? h("a", { href: a.url, target: "_blank", rel: "noopener noreferrer" }, a.title) : a.title),
          h("td", {}, String(a.helpful)),
          h("td", {}, String(a.unhelpful)),
          h("td", {}, pct(a.helpful_rate)),
        ),
      ),
    ),
  );
}

function select(id, options, current) {
  return h("select", { id }, options.map(([value, label]) => h("option", { value, selected: value === current }, label)));
}

/** The day after a yyyy-mm-dd date (the "To" day is included in the range). */
function dayAfter(date) {
  const [y, m, d] = date.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return next.toISOString().slice(0, 10);
}

export function analyticsView() {
  const seq = state.viewSeq;
  const range = select("analytics-range", [...RANGES, ["custom", "Dates…"]], state.analyticsRange || "7d");
  const from = h("input", { id: "analytics-from", type: "date", value: state.analyticsFrom || "" });
  const to = h("input", { id: "analytics-to", type: "date", value: state.analyticsTo || "" });
  const dates = h(
    "span",
    { class: "analytics-dates", hidden: range.value !== "custom" },
    h("label", { for: "analytics-from", class: "inline-label" }, "From"),
    from,
    h("label", { for: "analytics-to", class: "inline-label" }, "To"),
    to,
  );
  const channel = select("analytics-channel", CHANNELS, state.analyticsChannel || "");
  const error = errorBox("analytics-error");
  const summary = h("div", { id: "analytics-tiles", "aria-live": "polite" }, h("p", { class: "muted" }, "Loading…"));
  const table = h("div", { id: "analytics-by-channel" });
  const grid = h("div", { class: "chart-grid", id: "analytics-charts" });
  const gaps = h("div", {});
  const articles = h("div", {});
  const period = h("p", { class: "muted small", id: "analytics-period" });
  let charts = [];

  add(
    $("view"),
    pageHeader(
      "Service analytics",
      h("label", { for: "analytics-range", class: "inline-label" }, "Range"),
      range,
      dates,
      h("label", { for: "analytics-channel", class: "inline-label" }, "Channel"),
      channel,
    ),
    period,
    error,
    summary,
    h("section", { class: "card" }, h("h2", {}, "By channel"), table),
    grid,
    h("section", { class: "card" }, h("h2", {}, "Top unanswered questions"), h("p", { class: "muted small" }, "Grouped by meaning; each group links to its conversations."), gaps),
    h("section", { class: "card" }, h("h2", {}, "Least helpful articles"), articles),
  );

  async function load() {
    showError(error, "");
    let query;
    if (range.value === "custom") {
      if (!from.value) return; // wait for a start date
      query = new URLSearchParams({ since: from.value });
      if (to.value) query.set("until", dayAfter(to.value));
    } else query = new URLSearchParams({ since: range.value });
    if (channel.value) query.set("channel", channel.value);
    const [data, Chart] = await Promise.all([
      getForView(seq, error, `/analytics?${query}`),
      loadChartJs().catch((err) => {
        showError(error, err.message);
        return null;
      }),
    ]);
    if (!data) return;
    const w = data.window;
    period.textContent = `${fmtFull(w.since)} – ${fmtFull(w.until)} (${w.timezone}); business hours ${w.business_hours}.`;
    fill(summary, tiles(data.totals));
    fill(table, channelTable(data.channels));
    fill(gaps, unansweredSection(data.unanswered));
    fill(articles, articlesTable(data.articles));
    charts.forEach((c) => c.destroy());
    charts = Chart ? drawCharts(Chart, grid, data) : [];
    grid.dataset.ready = "true";
  }

  function reload() {
    state.analyticsRange = range.value;
    state.analyticsFrom = from.value;
    state.analyticsTo = to.value;
    state.analyticsChannel = channel.value;
    dates.hidden = range.value !== "custom";
    grid.dataset.ready = "false";
    load();
  }
  [range, from, to, channel].forEach((input) => input.addEventListener("change", reload));
  load();
  return {
    refresh: load,
    stop: () => charts.forEach((c) => c.destroy()),
  };
}
