import { describe, expect, it } from "vitest";
import { ActiveTimer, IDLE_AFTER_MS } from "../src/activeTime";
import { reviewCommandFor } from "../src/reviewKeys";
import { suggestedRanks } from "../src/suggestion";

describe("active time", () => {
  it("counts time with recent input and stops a minute after the last one", () => {
    let now = 0;
    const timer = new ActiveTimer(() => now);
    now = 5_000;
    timer.input();
    now = 5_000 + 10 * IDLE_AFTER_MS; // walked away for ten minutes
    expect(timer.elapsedMs()).toBe(5_000 + IDLE_AFTER_MS);
  });

  it("does not count time while the page is hidden", () => {
    let now = 0;
    const timer = new ActiveTimer(() => now);
    now = 2_000;
    timer.visibility(false);
    now = 40_000;
    timer.visibility(true);
    now = 43_000;
    expect(timer.elapsedMs()).toBe(5_000);
  });

  it("starts again from zero for the next task", () => {
    let now = 0;
    const timer = new ActiveTimer(() => now);
    now = 9_000;
    timer.restart();
    now = 10_000;
    expect(timer.elapsedMs()).toBe(1_000);
  });
});

describe("suggestions", () => {
  it("pre-fill one rank per tier, ties sharing a rank", () => {
    const ranks = suggestedRanks({ ranking: [["b"], ["a", "c"]], judgeId: "j", judgeName: "J", rankedAt: "" }, ["a", "b", "c"]);
    expect([...ranks.entries()].sort()).toEqual([["a", 2], ["b", 1], ["c", 2]]);
  });
});

describe("reviewer keys", () => {
  it("pick rankings while choosing and rank responses while writing", () => {
    expect(reviewCommandFor("2", "choose", false)).toEqual({ kind: "pick", n: 2 });
    expect(reviewCommandFor("2", "write", false)).toEqual({ kind: "rank", n: 2 });
    expect(reviewCommandFor("d", "choose", false)).toEqual({ kind: "discard" });
    expect(reviewCommandFor("w", "choose", false)).toEqual({ kind: "own" });
  });

  it("are never commands while typing a note, except Escape", () => {
    expect(reviewCommandFor("d", "choose", true)).toBeNull();
    expect(reviewCommandFor("Enter", "choose", true)).toBeNull();
    expect(reviewCommandFor("Escape", "choose", true)).toEqual({ kind: "back" });
  });
});
