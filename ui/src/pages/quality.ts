import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api, post } from "../api";
import { errorBox, h } from "../dom";
import type { AgreementPoint, AnnotatorQuality, QualitySettings } from "../qualityTypes";
import { queueOrderSelect } from "../queueOrder";
import type { Campaign } from "../types";

// The campaign page's quality sections for admins: settings, gold import, the per-annotator table (sortable), and
// agreement over time with its intervals.

const fmt = (x?: number | null, digits = 2) => (x === undefined || x === null ? "n/a" : x.toFixed(digits));
const pct = (x?: number | null) => (x === undefined || x === null ? "n/a" : `${(x * 100).toFixed(0)}%`);

interface Column { title: string; value: (q: AnnotatorQuality) => number | string | undefined; show: (q: AnnotatorQuality) => string }

const COLUMNS: Column[] = [
  { title: "Annotator", value: (q) => q.name, show: (q) => `${q.name}${q.kind === "judge" ? " (judge)" : ""}` },
  { title: "Rankings", value: (q) => q.annotations, show: (q) => String(q.annotations) },
  { title: "Gold agreement", value: (q) => q.goldAgreement, show: (q) => `${pct(q.goldAgreement)} (${q.goldTasks})` },
  { title: "Gold τ", value: (q) => q.goldKendallTau, show: (q) => fmt(q.goldKendallTau) },
  { title: "Peer agreement", value: (q) => q.peerAgreement, show: (q) => pct(q.peerAgreement) },
  { title: "Judges", value: (q) => average(Object.values(q.judgeAgreement)), show: (q) =>
    Object.entries(q.judgeAgreement).map(([j, a]) => `${j} ${pct(a)}`).join(", ") || "n/a" },
  { title: "Median time (s)", value: (q) => q.medianActiveSeconds, show: (q) => fmt(q.medianActiveSeconds, 1) },
  { title: "Skip rate", value: (q) => q.skipRate, show: (q) => pct(q.skipRate) },
  { title: "Tie rate", value: (q) => q.tieRate, show: (q) => pct(q.tieRate) },
  { title: "First shown wins", value: (q) => q.firstShownWins, show: (q) => `${pct(q.firstShownWins)} (chance ${pct(q.firstShownChance)})` },
  { title: "Weight", value: (q) => q.weight, show: (q) => fmt(q.weight) },
];

function average(values: number[]): number | undefined {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

/** Sorts rows by a column; missing values last in either direction. */
export function sortRows(rows: AnnotatorQuality[], column: number, descending: boolean): AnnotatorQuality[] {
  const get = COLUMNS[column].value;
  return [...rows].sort((a, b) => {
    const x = get(a), y = get(b);
    if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
    if (y === undefined || y === null) return -1;
    const order = typeof x === "string" ? x.localeCompare(String(y)) : x - (y as number);
    return descending ? -order : order;
  });
}

export async function qualitySection(id: string): Promise<HTMLElement> {
  const section = h("section", { class: "card", id: "quality" }, h("h2", {}, "Annotator quality"));
  let rows: AnnotatorQuality[];
  try {
    rows = await api<AnnotatorQuality[]>(`/api/campaigns/${encodeURIComponent(id)}/quality`);
  } catch (e) {
    section.append(errorBox((e as Error).message));
    return section;
  }
  let column = 2, descending = false;
  const body = h("tbody");
  const head = h("tr");
  const draw = () => {
    head.replaceChildren(...COLUMNS.map((c, i) => {
      const sort = i === column ? (descending ? "descending" : "ascending") : "none";
      const button = h("button", { type: "button" }, c.title + (i === column ? (descending ? " ▼" : " ▲") : ""));
      button.addEventListener("click", () => {
        descending = i === column ? !descending : false;
        column = i;
        draw();
      });
      return h("th", { "aria-sort": sort }, button);
    }));
    body.replaceChildren(...sortRows(rows, column, descending).map((q) =>
      h("tr", { "data-annotator": q.annotatorId }, ...COLUMNS.map((c) => h("td", {}, c.show(q))))));
  };
  draw();
  section.append(h("table", { class: "data quality" }, h("thead", {}, head), body),
    h("p", { class: "muted" }, "Time excludes idle: a hidden page or a minute without input does not count, and no task counts more than 10 minutes."));
  return section;
}

export async function agreementChart(id: string): Promise<HTMLElement> {
  const section = h("section", { class: "card", id: "agreement-series" }, h("h2", {}, "Agreement over time"));
  try {
    const points = await api<AgreementPoint[]>(`/api/campaigns/${encodeURIComponent(id)}/agreement/series?buckets=10`);
    if (points.length === 0) {
      section.append(h("p", {}, "No task has two human rankings yet."));
      return section;
    }
    const x = points.map((p) => (Date.parse(p.from) + Date.parse(p.to)) / 2000);
    const col = (f: (p: AgreementPoint) => number | undefined) => points.map((p) => f(p) ?? null);
    const holder = h("div", { class: "chart" });
    section.append(holder, h("p", { class: "muted" }, "Krippendorff's α (ordinal) and Fleiss' κ per time bucket; dashed lines: 95% bootstrap interval over tasks."));
    new uPlot({
      width: Math.min(720, window.innerWidth - 60), height: 240, scales: { y: { range: [-1, 1] } },
      series: [{ label: "time" },
        { label: "α", stroke: "#2458d6", width: 2 }, { label: "α low", stroke: "#2458d6", dash: [4, 4] }, { label: "α high", stroke: "#2458d6", dash: [4, 4] },
        { label: "κ", stroke: "#c0392b", width: 2 }, { label: "κ low", stroke: "#c0392b", dash: [4, 4] }, { label: "κ high", stroke: "#c0392b", dash: [4, 4] }],
    }, [x, col((p) => p.krippendorffAlpha), col((p) => p.alphaLow), col((p) => p.alphaHigh),
      col((p) => p.fleissKappa), col((p) => p.kappaLow), col((p) => p.kappaHigh)] as uPlot.AlignedData, holder);
  } catch (e) {
    section.append(errorBox((e as Error).message));
  }
  return section;
}

export function settingsForm(campaign: Campaign & Partial<QualitySettings>): HTMLElement {
  const number = (name: string, value: number | undefined, label: string) =>
    h("input", { name, type: "number", min: "0", max: "1", step: "0.05", value: value === undefined ? "" : String(value), "aria-label": label });
  const gold = number("goldRate", campaign.goldRate ?? 0, "Gold rate");
  const threshold = number("reviewThreshold", campaign.reviewThreshold, "Review threshold");
  const judge = h("input", { name: "suggestionJudgeId", value: campaign.suggestionJudgeId ?? "", placeholder: "judge id", "aria-label": "Suggestion judge" });
  const holdout = number("suggestionHoldout", campaign.suggestionHoldout ?? 0.2, "Suggestion holdout");
  const order = queueOrderSelect(campaign.queueOrder);
  const out = h("div", { role: "status" });
  const form = h("form", { class: "card", id: "quality-settings" }, h("h2", {}, "Quality settings"),
    h("label", {}, "Gold rate ", gold), h("label", {}, "Review when disagreement exceeds (empty: off) ", threshold),
    h("label", {}, "Suggestion judge ", judge), h("label", {}, "Share served without the suggestion ", holdout),
    h("label", {}, "Serve tasks in ", order), h("button", { type: "submit" }, "Save"), out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api(`/api/campaigns/${encodeURIComponent(campaign.id)}/quality-settings`, { method: "PUT", body: JSON.stringify({
        goldRate: Number(gold.value || 0), reviewThreshold: threshold.value === "" ? null : Number(threshold.value),
        suggestionJudgeId: judge.value.trim() || null, suggestionHoldout: Number(holdout.value || 0), queueOrder: order.value,
      }) });
      out.replaceChildren(h("p", {}, "Saved."));
    } catch (err) {
      out.replaceChildren(errorBox((err as Error).message));
    }
  });
  return form;
}

export function goldImportForm(id: string): HTMLElement {
  const file = h("input", { type: "file", accept: ".json", "aria-label": "Gold tasks file" });
  const out = h("div", { role: "status" });
  const form = h("form", { class: "card", id: "gold-import" }, h("h2", {}, "Import gold tasks"),
    h("p", { class: "muted" }, 'A JSON array of {"prompt", "completions": [...], "ranking": [[best index], [next], ...]}.'),
    file, h("button", { type: "submit" }, "Import gold"), out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      const result = await post<{ tasks: number }>(`/api/campaigns/${encodeURIComponent(id)}/gold`, JSON.parse(await chosen.text()));
      out.replaceChildren(h("p", {}, `Imported ${result.tasks} gold tasks.`));
    } catch (err) {
      out.replaceChildren(errorBox((err as Error).message));
    }
  });
  return form;
}
