import { describe, expect, it } from "vitest";
import { MetricSeries } from "../src/metrics";
import { describeProblem } from "../src/api";

describe("metric series for the dashboard", () => {
  it("keeps each metric sorted by step and replaces a re-sent step", () => {
    const s = new MetricSeries();
    s.add(2, { "objective/kl": 0.2, "loss/policy_avg": 1 });
    s.add(1, { "objective/kl": 0.1 });
    s.add(2, { "objective/kl": 0.25 });
    expect(s.names()).toEqual(["loss/policy_avg", "objective/kl"]);
    expect(s.data("objective/kl")).toEqual([[1, 2], [0.1, 0.25]]);
  });

  it("drops non-finite values", () => {
    const s = new MetricSeries();
    s.add(1, { reward: Number.NaN });
    expect(s.names()).toEqual([]);
  });
});

describe("problem details shown to users", () => {
  it("prefers field errors, naming each field", () => {
    expect(describeProblem(400, { title: "Invalid", errors: { ranking: ["responses not ranked: b"] } })).toBe("ranking: responses not ranked: b");
  });

  it("falls back to detail, then title, then the status", () => {
    expect(describeProblem(409, { title: "Conflict", detail: "already submitted" })).toBe("already submitted");
    expect(describeProblem(404, { title: "Not found" })).toBe("Not found");
    expect(describeProblem(500, null)).toBe("HTTP 500");
  });
});
