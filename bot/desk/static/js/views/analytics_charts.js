// The dashboard's charts, drawn by Chart.js (vendor/chart.umd.min.js, loaded on first use).
// Each chart's data comes straight from the report (bot/analytics/metrics.py `series`), so
// what a chart shows is what `python -m bot report` prints for the same range.

import { h } from "../dom.js";
import { t, tOr } from "../texts.js";

const COLOURS = ["#3949ab", "#1b7a4a", "#b35c00", "#0b6b8a", "#8e24aa", "#5d6677"];

// A channel's and a handoff reason's names (texts channel_<code>, reason_<code>); a code without one as sent.
export const channelName = (c) => tOr(`channel_${c}`, c);
export const reasonName = (r) => tOr(`reason_${r}`, r.replace(/_/g, " "));

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
        reject(new Error(t("chart_library_failed")));
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
  const totals = report.totals;
  const byChannel = Object.entries(s.by_channel);
  const reasons = Object.entries(totals.escalations_by_reason);
  const common = { responsive: true, maintainAspectRatio: false, animation: false };
  return [
    [
      "chart-conversations",
      t("chart_conversations"),
      t("chart_conversations_about", { bucket: s.bucket }),
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
      t("chart_containment"),
      t("chart_containment_about", { bucket: s.bucket }),
      {
        type: "line",
        data: {
          labels,
          datasets: [{ label: t("chart_containment_series"), data: s.containment_rate.map(percent), borderColor: COLOURS[1], spanGaps: true }],
        },
        options: { ...common, scales: { y: { min: 0, max: 100 } } },
      },
    ],
    [
      "chart-response",
      t("chart_response"),
      t("chart_response_about", { bucket: s.bucket }),
      {
        type: "line",
        data: {
          labels,
          datasets: [
            { label: t("chart_response_bot"), data: s.bot_frt_median.map(minutes), borderColor: COLOURS[0], spanGaps: true },
            { label: t("chart_response_person"), data: s.human_frt_median.map(minutes), borderColor: COLOURS[2], spanGaps: true },
          ],
        },
        options: { ...common, scales: { y: { beginAtZero: true } } },
      },
    ],
    [
      "chart-csat",
      t("chart_csat"),
      t("chart_csat_about"),
      {
        type: "bar",
        data: {
          labels: ["1", "2", "3", "4", "5"],
          datasets: [{ label: t("chart_csat_series"), data: ["1", "2", "3", "4", "5"].map((k) => totals.csat_distribution[k]), backgroundColor: COLOURS[0] }],
        },
        options: { ...common, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      },
    ],
    [
      "chart-escalations",
      t("chart_escalations"),
      t("chart_escalations_about"),
      {
        type: "bar",
        data: {
          labels: reasons.map(([r]) => reasonName(r)),
          datasets: [{ label: t("chart_escalations_series"), data: reasons.map(([, n]) => n), backgroundColor: COLOURS[2] }],
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
    const canvas = h("canvas", { id, role: "img", "aria-label": t("chart_label", { title, description }), "data-testid": "chart" });
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
