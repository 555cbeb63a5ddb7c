import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api } from "../api";
import { errorBox, h, mount } from "../dom";
import { connectHub } from "../hubs";
import { MetricSeries } from "../metrics";
import type { MetricPoint, TrainingRun } from "../types";

// Training dashboard: one live chart per metric (reward, KL, losses...) of the selected run, fed by SignalR.

let stop: (() => void) | null = null;

export async function trainingPage(runId?: string): Promise<void> {
  stop?.();
  let runs: TrainingRun[];
  try {
    runs = await api<TrainingRun[]>("/api/runs");
  } catch (e) {
    mount(errorBox((e as Error).message));
    return;
  }
  const list = h("ul", { class: "runs" }, ...runs.map((r) =>
    h("li", {}, h("a", { href: `#/training/${encodeURIComponent(r.id)}` }, `${r.name}`), h("span", { class: "muted" }, ` ${r.stage}`))));
  const charts = h("section", { class: "charts" });
  mount(h("h1", {}, "Training"), runs.length ? list : h("p", {}, "No run has reported yet."), charts);
  if (!runId) return;

  const series = new MetricSeries();
  const plots = new Map<string, uPlot>();
  const redraw = () => {
    for (const name of series.names()) {
      const data = series.data(name);
      let plot = plots.get(name);
      if (!plot) {
        const holder = h("div", { class: "chart", "data-metric": name });
        charts.append(holder);
        // x is the training step, not a timestamp (uPlot's default would label it as dates).
        plot = new uPlot({ title: name, width: Math.min(560, window.innerWidth - 40), height: 220,
          scales: { x: { time: false } },
          series: [{ label: "step" }, { label: name, stroke: "#3366cc" }] }, data, holder);
        plots.set(name, plot);
      } else plot.setData(data);
    }
  };
  const hub = connectHub("/hubs/training");
  hub.on("metrics", (id: string, step: number, values: Record<string, number>) => {
    if (id !== runId) return;
    series.add(step, values);
    redraw();
  });
  stop = () => void hub.stop();
  window.addEventListener("hashchange", () => stop?.(), { once: true });
  await hub.start();
  const history = await hub.invoke<MetricPoint[]>("Watch", runId);
  for (const p of history) series.add(p.step, { [p.name]: p.value });
  redraw();
}
