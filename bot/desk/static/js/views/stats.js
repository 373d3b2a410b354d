// The customer-satisfaction stats view: one card per group of figures, with tables for the nested breakdowns.

import { $, add, errorBox, fill, h, pageHeader } from "../dom.js";
import { getForView } from "../api.js";
import { state } from "../state.js";

const STAT_LABELS = {
  days: "Period (days)",
  count: "Ratings received",
  average: "Average rating (1–5)",
  csat_percent: "Satisfied (rated 4 or 5), %",
  low_ratings: "Low ratings (1 or 2)",
};

function value(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const label = (key) => STAT_LABELS[key] || key.replace(/_/g, " ");

function scalarTable(group, scalars) {
  return h(
    "table",
    { class: "table table-kv", id: `stats-${group}`, "data-testid": "stats-table" },
    h("tbody", {}, scalars.map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, label(k)), h("td", {}, value(v))))),
  );
}

function nestedTable(group, k, rows) {
  const entries = Object.entries(rows);
  const columns = [...new Set(entries.flatMap(([, r]) => (r && typeof r === "object" ? Object.keys(r) : ["value"])))];
  return [
    h("h3", {}, k === "by_agent" ? "By agent" : k.replace(/_/g, " ")),
    entries.length
      ? h(
          "table",
          { class: "table", id: `stats-${group}-${k}` },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, k === "by_agent" ? "Agent" : "Name"), columns.map((c) => h("th", { scope: "col" }, label(c))))),
          h(
            "tbody",
            {},
            entries.map(([name, r]) =>
              h("tr", {}, h("th", { scope: "row" }, name), columns.map((c) => h("td", {}, value(r && typeof r === "object" ? r[c] : r)))),
            ),
          ),
        )
      : h("p", { class: "muted" }, "No ratings in this period."),
  ];
}

function groupSection(group, stats) {
  const scalars = Object.entries(stats).filter(([, v]) => v === null || typeof v !== "object");
  const nested = Object.entries(stats).filter(([, v]) => v !== null && typeof v === "object");
  return h(
    "section",
    { class: "card" },
    h("h2", {}, group.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase())),
    scalarTable(group, scalars),
    nested.map(([k, rows]) => nestedTable(group, k, rows)),
  );
}

export function statsView() {
  const seq = state.viewSeq;
  const days = h(
    "select",
    { id: "stats-days" },
    [7, 30, 90, 365].map((d) => h("option", { value: String(d), selected: d === state.statsDays }, `Last ${d} days`)),
  );
  const box = h("div", { id: "stats-body" });
  const error = errorBox("stats-error");
  add($("view"), pageHeader("Customer satisfaction", h("label", { for: "stats-days", class: "inline-label" }, "Period"), days), error, box);

  async function load() {
    const data = await getForView(seq, error, `/stats?days=${state.statsDays}`);
    if (!data) return;
    const sections = Object.entries(data)
      .filter(([, stats]) => stats && typeof stats === "object")
      .map(([group, stats]) => groupSection(group, stats));
    fill(box, sections.length ? sections : h("p", { class: "empty" }, "No statistics yet."));
  }

  days.addEventListener("change", () => {
    state.statsDays = Number(days.value);
    load();
  });
  load();
  return { refresh: load };
}
