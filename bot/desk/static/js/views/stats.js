// The customer-satisfaction stats view: one card per group of figures, with tables for the nested breakdowns.

import { $, add, errorBox, fill, h, pageHeader } from "../dom.js";
import { getForView } from "../api.js";
import { state } from "../state.js";
import { t, tOr } from "../texts.js";

function value(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// A figure's name: its text (stat_label_<key>), or the key the server sent, in words.
const label = (key) => tOr(`stat_label_${key}`, key.replace(/_/g, " "));

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
    h("h3", {}, k === "by_agent" ? t("stats_by_agent") : k.replace(/_/g, " ")),
    entries.length
      ? h(
          "table",
          { class: "table", id: `stats-${group}-${k}` },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, k === "by_agent" ? t("field_agent") : t("field_name")), columns.map((c) => h("th", { scope: "col" }, label(c))))),
          h(
            "tbody",
            {},
            entries.map(([name, r]) =>
              h("tr", {}, h("th", { scope: "row" }, name), columns.map((c) => h("td", {}, value(r && typeof r === "object" ? r[c] : r)))),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("stats_no_ratings")),
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
    [7, 30, 90, 365].map((d) => h("option", { value: String(d), selected: d === state.statsDays }, t("last_days", { count: d }))),
  );
  const box = h("div", { id: "stats-body" });
  const error = errorBox("stats-error");
  add($("view"), pageHeader(t("stats_title"), h("label", { for: "stats-days", class: "inline-label" }, t("field_period")), days), error, box);

  async function load() {
    const data = await getForView(seq, error, `/stats?days=${state.statsDays}`);
    if (!data) return;
    const sections = Object.entries(data)
      .filter(([, stats]) => stats && typeof stats === "object")
      .map(([group, stats]) => groupSection(group, stats));
    fill(box, sections.length ? sections : h("p", { class: "empty" }, t("stats_empty")));
  }

  days.addEventListener("change", () => {
    state.statsDays = Number(days.value);
    load();
  });
  load();
  return { refresh: load };
}
