import { api, getToken } from "../api";
import { errorBox, h, mount } from "../dom";
import { connectHub } from "../hubs";
import type { Agreement, CampaignView, Progress } from "../types";
import { agreementChart, goldImportForm, qualitySection, settingsForm } from "./quality";

// One campaign for admins: live progress per annotator, agreement, import and export.

let stopHub: (() => void) | null = null;

export async function campaignPage(id: string): Promise<void> {
  stopHub?.();
  let view: CampaignView;
  try {
    view = await api<CampaignView>(`/api/campaigns/${encodeURIComponent(id)}`);
  } catch (e) {
    mount(errorBox((e as Error).message));
    return;
  }
  const progress = h("section", { class: "card", id: "progress" });
  const agreement = h("section", { class: "card", id: "agreement" });
  const quality = h("div", { id: "quality-slot" });
  mount(h("h1", {}, view.campaign.name), progress, agreement, quality, settingsForm(view.campaign), importForm(id), goldImportForm(id), exportForm(id));

  const draw = (p: Progress) => {
    const rows = Object.entries(p.perAnnotator).sort((a, b) => b[1] - a[1]);
    progress.replaceChildren(h("h2", {}, "Progress"),
      h("p", {}, `${p.tasksDone} of ${p.tasks} tasks done · ${p.annotations} annotations`),
      h("progress", { max: String(Math.max(p.tasks, 1)), value: String(p.tasksDone) }),
      h("table", { class: "data" }, h("tbody", {}, ...rows.map(([who, n]) => h("tr", {}, h("td", {}, who), h("td", {}, String(n)))))));
  };
  const hub = connectHub("/hubs/progress");
  hub.on("progress", draw);
  stopHub = () => void hub.stop();
  window.addEventListener("hashchange", () => stopHub?.(), { once: true });
  try {
    await hub.start();
    draw(await hub.invoke<Progress>("Watch", id));
  } catch {
    draw(await api<Progress>(`/api/campaigns/${encodeURIComponent(id)}/progress`));
  }
  await drawAgreement(id, agreement);
  quality.replaceChildren(await qualitySection(id), await agreementChart(id));
}

async function drawAgreement(id: string, el: HTMLElement): Promise<void> {
  const fmt = (x?: number) => (x === undefined || x === null ? "n/a" : x.toFixed(3));
  try {
    const a = await api<Agreement>(`/api/campaigns/${encodeURIComponent(id)}/agreement`);
    el.replaceChildren(h("h2", {}, "Agreement"),
      h("p", {}, `${a.items} response pairs ranked by ≥ 2 annotators · percent ${fmt(a.percentAgreement)} · Fleiss κ ${fmt(a.fleissKappa)} · Krippendorff α (ordinal) ${fmt(a.krippendorffAlphaOrdinal)}`),
      h("table", { class: "data" },
        h("thead", {}, h("tr", {}, h("th", {}, "Annotator"), h("th", {}, "Agrees with consensus"), h("th", {}, "Items"))),
        h("tbody", {}, ...a.perAnnotatorVsConsensus.map((r) => h("tr", {}, h("td", {}, r.rater), h("td", {}, fmt(r.rate)), h("td", {}, String(r.items)))))));
  } catch (e) {
    el.replaceChildren(errorBox((e as Error).message));
  }
}

function importForm(id: string): HTMLElement {
  const file = h("input", { type: "file", accept: ".jsonl,.json", "aria-label": "Dataset file" });
  const format = h("select", { "aria-label": "Format" },
    ...["auto", "promptCompletions", "trlStandard", "trlConversational", "messages", "qaFeedback"].map((f) => h("option", { value: f }, f)));
  const out = h("div", { role: "status" });
  const form = h("form", { class: "card" }, h("h2", {}, "Import"), file, format, h("button", { type: "submit" }, "Import"), out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      const result = await api<{ tasks: number }>(`/api/campaigns/${encodeURIComponent(id)}/import?format=${format.value}&source=${encodeURIComponent(chosen.name)}`,
        { method: "POST", body: chosen, headers: { "Content-Type": "application/jsonl" } });
      out.replaceChildren(h("p", {}, `Imported ${result.tasks} tasks.`));
    } catch (err) {
      out.replaceChildren(errorBox((err as Error).message));
    }
  });
  return form;
}

function exportForm(id: string): HTMLElement {
  const style = h("select", { "aria-label": "Style" }, h("option", { value: "standard" }, "TRL standard"), h("option", { value: "conversational" }, "TRL conversational"));
  const aggregate = h("select", { "aria-label": "Aggregation" }, h("option", { value: "majority" }, "majority"), h("option", { value: "bradleyTerry" }, "Bradley–Terry"));
  const weighting = h("select", { "aria-label": "Weighting" }, h("option", { value: "none" }, "annotators count equally"),
    h("option", { value: "quality" }, "weighted by quality"));
  const min = h("input", { type: "number", min: "0", max: "1", step: "0.05", value: "0", "aria-label": "Minimum agreement" });
  const out = h("div", { role: "status" });
  const form = h("form", { class: "card" }, h("h2", {}, "Export"), style, aggregate, weighting, h("label", {}, "min agreement ", min),
    h("button", { type: "submit" }, "Download JSONL"), out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const url = `/api/campaigns/${encodeURIComponent(id)}/export?style=${style.value}&aggregate=${aggregate.value}&minAgreement=${min.value}&weighting=${weighting.value}`;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${getToken()}` } });
    if (!response.ok) {
      out.replaceChildren(errorBox(`Export failed: HTTP ${response.status}`));
      return;
    }
    const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `${id}-${style.value}.jsonl` });
    link.click();
  });
  return form;
}

