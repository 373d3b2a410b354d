// The service dashboard (admins): the report of bot/analytics (the same figures `python -m bot
// report` prints) as tiles, a table per channel, charts, the unanswered questions grouped by
// meaning (each with its conversations and "Draft an article"), and the least helpful articles.

import { $, add, errorBox, fill, h, pageHeader, showError, tableHead } from "../dom.js";
import { act, api, getForView } from "../api.js";
import { fmtFull } from "../format.js";
import { state } from "../state.js";
import { t } from "../texts.js";
import { channelName, drawCharts, loadChartJs } from "./analytics_charts.js";

// [value, label] (functions: the labels are read when the view opens).
const RANGES = () => [
  ["24h", t("last_24_hours")],
  ["7d", t("last_days", { count: 7 })],
  ["30d", t("last_days", { count: 30 })],
  ["90d", t("last_days", { count: 90 })],
];
const CHANNELS = () => [["", t("channels_all")], ...["webchat", "slack", "telegram", "rest"].map((c) => [c, channelName(c)])];

const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)} %`);
const num = (v, digits = 2) => (v === null || v === undefined ? "—" : Number(v).toFixed(digits));

/** Seconds as people read them: "4.2 s", "3 min 5 s", "2 h 10 min". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return t("analytics_duration_seconds", { s: seconds.toFixed(1) });
  const m = Math.floor(seconds / 60);
  if (m < 60) return t("analytics_duration_minutes", { m, s: Math.round(seconds % 60) });
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return t("analytics_duration_hours", { h: hrs, m: m % 60 });
  return t("analytics_duration_days", { d: Math.floor(hrs / 24), h: hrs % 24 });
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

function tiles(totals) {
  return h(
    "section",
    { class: "kpis", "aria-label": t("analytics_key_figures") },
    tile("conversations", t("kpi_conversations"), String(totals.conversations), t("kpi_conversations_detail", { pending: totals.pending })),
    tile(
      "containment",
      t("kpi_containment"),
      pct(totals.containment_rate),
      t("kpi_containment_detail", { contained: totals.contained, decided: totals.decided }),
    ),
    tile("escalation", t("kpi_escalation"), pct(totals.escalation_rate), t("kpi_escalation_detail", { escalated: totals.escalated })),
    tile("bot-frt", t("kpi_bot_frt"), duration(totals.bot_frt_median), t("kpi_median_p90", { p90: duration(totals.bot_frt_p90) })),
    tile(
      "human-frt",
      t("kpi_human_frt"),
      duration(totals.human_frt_median),
      t("kpi_human_frt_detail", { p90: duration(totals.human_frt_p90), waiting: totals.waiting_for_person }),
    ),
    tile("resolution", t("kpi_resolution"), duration(totals.resolution_time_median), t("kpi_median_p90", { p90: duration(totals.resolution_time_p90) })),
    tile("fcr", t("kpi_fcr"), pct(totals.fcr_rate), t("kpi_fcr_detail", { fcr: totals.fcr, resolved: totals.resolved, open: totals.fcr_window_open })),
    tile(
      "csat",
      t("kpi_csat"),
      num(totals.csat_average),
      t("kpi_csat_detail", { percent: pct(totals.csat_percent), rate: pct(totals.csat_response_rate), rated: totals.csat_rated, asked: totals.csat_asked }),
    ),
  );
}

function channelTable(channels) {
  const rows = Object.entries(channels);
  if (!rows.length) return h("p", { class: "empty" }, t("analytics_no_conversations"));
  return h(
    "table",
    { class: "table", id: "analytics-channels" },
    tableHead(
      ["field_channel", "col_conversations", "col_containment", "col_handoffs", "col_bot_frt", "col_human_frt", "col_fcr", "col_csat", "col_csat_answered"].map((key) => t(key)),
    ),
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
  const button = h("button", { class: "btn btn-sm", type: "button", "data-testid": "draft-article" }, t("analytics_draft"));
  button.addEventListener("click", () =>
    act(button, result, async () => {
      const title = group.representative.replace(/[?？!！.。]+$/, "");
      const data = await api("POST", "/analytics/drafts", { title, questions: group.questions.map((q) => q.text) });
      fill(result, h("span", { class: "draft-done" }, t("analytics_draft_written", { path: data.path })));
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
      h("h3", {}, t("quoted", { text: group.representative })),
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
            ? h("a", { href: `#/conversation/${encodeURIComponent(c.sender_id)}` }, t("quoted", { text: c.question }))
            : h("span", {}, t("quoted", { text: c.question })),
          h("span", { class: "muted small" }, ` ${channelName(c.channel || "")} · ${fmtFull(c.at)}`),
        ),
      ),
    ),
  );
}

function unansweredSection(groups) {
  if (groups === null) return h("p", { class: "muted" }, t("analytics_no_help_centre"));
  if (!groups.length) return h("p", { class: "empty" }, t("analytics_no_unanswered"));
  return h("ol", { class: "gap-groups", id: "analytics-unanswered" }, groups.map(groupCard));
}

function articlesTable(articles) {
  if (!articles.length) return h("p", { class: "empty" }, t("analytics_no_rated_articles"));
  return h(
    "table",
    { class: "table", id: "analytics-articles" },
    tableHead([t("field_article"), t("col_helpful"), t("col_not_helpful"), t("col_helpful_percent")]),
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
  const range = select("analytics-range", [...RANGES(), ["custom", t("analytics_dates")]], state.analyticsRange || "7d");
  const from = h("input", { id: "analytics-from", type: "date", value: state.analyticsFrom || "" });
  const to = h("input", { id: "analytics-to", type: "date", value: state.analyticsTo || "" });
  const dates = h(
    "span",
    { class: "analytics-dates", hidden: range.value !== "custom" },
    h("label", { for: "analytics-from", class: "inline-label" }, t("field_from")),
    from,
    h("label", { for: "analytics-to", class: "inline-label" }, t("field_to")),
    to,
  );
  const channel = select("analytics-channel", CHANNELS(), state.analyticsChannel || "");
  const error = errorBox("analytics-error");
  const summary = h("div", { id: "analytics-tiles", "aria-live": "polite" }, h("p", { class: "muted" }, t("loading")));
  const table = h("div", { id: "analytics-by-channel" });
  const grid = h("div", { class: "chart-grid", id: "analytics-charts" });
  const gaps = h("div", {});
  const articles = h("div", {});
  const period = h("p", { class: "muted small", id: "analytics-period" });
  let charts = [];

  add(
    $("view"),
    pageHeader(
      t("analytics_title"),
      h("label", { for: "analytics-range", class: "inline-label" }, t("field_range")),
      range,
      dates,
      h("label", { for: "analytics-channel", class: "inline-label" }, t("field_channel")),
      channel,
    ),
    period,
    error,
    summary,
    h("section", { class: "card" }, h("h2", {}, t("analytics_by_channel")), table),
    grid,
    h(
      "section",
      { class: "card" },
      h("h2", {}, t("analytics_unanswered")),
      h("p", { class: "muted small" }, t("analytics_unanswered_intro")),
      gaps,
    ),
    h("section", { class: "card" }, h("h2", {}, t("analytics_least_helpful")), articles),
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
    period.textContent = t("analytics_period", { since: fmtFull(w.since), until: fmtFull(w.until), timezone: w.timezone, hours: w.business_hours });
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
