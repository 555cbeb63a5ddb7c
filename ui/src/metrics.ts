// Metric history per name, kept sorted by step, in the column layout uPlot draws ([steps, values]).

export class MetricSeries {
  private readonly byName = new Map<string, Map<number, number>>();

  add(step: number, values: Record<string, number>): void {
    for (const [name, value] of Object.entries(values)) {
      if (!Number.isFinite(value)) continue;
      let points = this.byName.get(name);
      if (!points) this.byName.set(name, (points = new Map()));
      points.set(step, value); // a re-sent step replaces, never duplicates
    }
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  data(name: string): [number[], number[]] {
    const points = [...(this.byName.get(name) ?? new Map<number, number>()).entries()].sort((a, b) => a[0] - b[0]);
    return [points.map((p) => p[0]), points.map((p) => p[1])];
  }
}
