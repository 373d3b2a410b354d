// The dashboard's charts, drawn by Chart.js (vendor/chart.umd.min.js, loaded on first use).
// Each chart's data comes straight from the report (bot/analytics/metrics.py `series`), so
// what a chart shows is what `python -m bot report` prints for the same range.

import { h } from "../dom.js";

const CHANNEL_NAMES = { webchat: "Website", slack: "Slack", telegram: "Telegram", rest: "REST" };
const COLOURS = ["#3949ab", "#1b7a4a", "#b35c00", "#0b6b8a", "#8e24aa", "#5d6677"];
const REASON_NAMES = {
  customer_request: "Customer asked",
  failed_understanding: "Not understood twice",
  unhelpful_answers: "Unhelpful answers",
  frustration: "Frustration",
  topic: "Agents' topic",
  high_value_order: "High-value order",
  agent_takeover: "Agent took over",
  unknown: "Unknown",
};

export const channelName = (c) => CHANNEL_NAMES[c] || c;
export const reasonName = (r) => REASON_NAMES[r] || r.replace(/_/g, " ");

let loading = null;

/** Chart.js, loaded once from the desk's own origin (the page's CSP allows only 'self'). */
export function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/desk/static/vendor/chart.umd.min.js";
      script.onload = () => resolve(window.Chart);
      script.onerror = () => {
        loading = null;
        reject(new Error("The charting library could not be loaded."));
      };
      document.head.appendChild(script);
    });
  }
  return loading;
}

const percent = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
const minutes = (v) => (v === null || v === undefined ? null : Math.round((v / 60) * 10) / 10);

/** A short label for a bucket: "12-07 14:00" per hour, "12-07" per day. */
function bucketLabel(label, bucket) {
  return bucket === "hour" ? label.slice(5, 16).replace("T", " ") : label.slice(5, 10);
}

/** The chart definitions for a report: [id, title, description, Chart.js config]. */
export function chartSpecs(report) {
  const s = report.series;
  const labels = s.labels.map((l) => bucketLabel(l, s.bucket));
  const t = report.totals;
  const byChannel = Object.entries(s.by_channel);
  const reasons = Object.entries(t.escalations_by_reason);
  const common = { responsive: true, maintainAspectRatio: false, animation: false };
  return [
    [
      "chart-conversations",
      "Conversations by channel",
      `Conversations started per ${s.bucket}, stacked by channel.`,
      {
        type: "bar",
        data: {
          labels,
          datasets: byChannel.map(([channel, values], i) => ({
            label: channelName(channel),
            data: values,
            backgroundColor: COLOURS[i % COLOURS.length],
          })),
        },
        options: { ...common, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
      },
    ],
    [
      "chart-containment",
      "Containment",
      `Share of decided conversations resolved without a person, per ${s.bucket} (%).`,
      {
        type: "line",
        data: {
          labels,
          datasets: [{ label: "Containment %", data: s.containment_rate.map(percent), borderColor: COLOURS[1], spanGaps: true }],
        },
        options: { ...common, scales: { y: { min: 0, max: 100 } } },
      },
    ],
    [
      "chart-response",
      "First response time",
      `Median first response per ${s.bucket}, in minutes: the assistant's and a person's (business hours).`,
      {
        type: "line",
        data: {
          labels,
          datasets: [
            { label: "Assistant (median, min)", data: s.bot_frt_median.map(minutes), borderColor: COLOURS[0], spanGaps: true },
            { label: "Person (median, min)", data: s.human_frt_median.map(minutes), borderColor: COLOURS[2], spanGaps: true },
          ],
        },
        options: { ...common, scales: { y: { beginAtZero: true } } },
      },
    ],
    [
      "chart-csat",
      "Satisfaction ratings",
      "How many customers gave each rating, 1 (very poor) to 5 (excellent).",
      {
        type: "bar",
        data: {
          labels: ["1", "2", "3", "4", "5"],
          datasets: [{ label: "Ratings", data: ["1", "2", "3", "4", "5"].map((k) => t.csat_distribution[k]), backgroundColor: COLOURS[0] }],
        },
        options: { ...common, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      },
    ],
    [
      "chart-escalations",
      "Handoffs by reason",
      "Why conversations went to a person.",
      {
        type: "bar",
        data: {
          labels: reasons.map(([r]) => reasonName(r)),
          datasets: [{ label: "Handoffs", data: reasons.map(([, n]) => n), backgroundColor: COLOURS[2] }],
        },
        options: {
          ...common,
          indexAxis: "y",
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      },
    ],
  ];
}

/** Draw the charts into `grid`; returns the Chart instances (destroyed on the next load). */
export function drawCharts(Chart, grid, report) {
  const charts = [];
  const cards = chartSpecs(report).map(([id, title, description, config]) => {
    const canvas = h("canvas", { id, role: "img", "aria-label": `${title}: ${description}`, "data-testid": "chart" });
    const card = h(
      "figure",
      { class: "card chart-card" },
      h("figcaption", {}, h("h2", {}, title), h("p", { class: "muted small" }, description)),
      h("div", { class: "chart-box" }, canvas),
    );
    return [card, canvas, config];
  });
  grid.replaceChildren(...cards.map(([card]) => card));
  for (const [, canvas, config] of cards) charts.push(new Chart(canvas, config));
  return charts;
}
