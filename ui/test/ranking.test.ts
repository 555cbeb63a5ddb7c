import { describe, expect, it } from "vitest";
import * as R from "../src/ranking";

describe("ranking built from the keyboard", () => {
  it("assigns ranks in focus order and moves focus to the next unranked response", () => {
    let s = R.start(["a", "b", "c"]);
    s = R.assign(s, 2);
    expect(s.focus).toBe(1);
    s = R.assign(s, 1);
    s = R.assign(s, 3);
    expect(R.toTiers(s)).toEqual([["b"], ["a"], ["c"]]);
  });

  it("T ties the focused response with the last one ranked", () => {
    let s = R.start(["a", "b", "c"]);
    s = R.assign(s, 1);
    s = R.tie(s);
    s = R.assign(s, 2);
    expect(R.toTiers(s)).toEqual([["a", "b"], ["c"]]);
  });

  it("T before any rank does nothing", () => {
    const s = R.tie(R.start(["a", "b"]));
    expect(s.ranks.size).toBe(0);
  });

  it("collapses rank gaps into consecutive tiers", () => {
    let s = R.start(["a", "b"]);
    s = R.assign(s, 5);
    s = R.assign(s, 9);
    expect(R.toTiers(s)).toEqual([["a"], ["b"]]);
  });

  it("is incomplete until every shown response has a rank, and refuses to build tiers before", () => {
    const s = R.assign(R.start(["a", "b"]), 1);
    expect(R.isComplete(s)).toBe(false);
    expect(() => R.toTiers(s)).toThrow();
  });

  it("re-ranking a response replaces its rank", () => {
    let s = R.start(["a", "b"]);
    s = R.assign(s, 1);
    s = R.assign(s, 2);
    s = R.assign(R.focusOn(s, "a"), 3);
    expect(R.toTiers(s)).toEqual([["b"], ["a"]]);
  });

  it("ignores ranks outside 1..9", () => {
    const s = R.start(["a", "b"]);
    expect(R.assign(s, 0)).toBe(s);
    expect(R.assign(s, 10)).toBe(s);
  });

  it("focus wraps around in both directions", () => {
    const s = R.start(["a", "b", "c"]);
    expect(R.moveFocus(s, -1).focus).toBe(2);
    expect(R.moveFocus(s, 4).focus).toBe(1);
  });
});

describe("ranking built by dragging", () => {
  it("dropping a response at a position re-ranks everything strictly in the new order", () => {
    let s = R.start(["a", "b", "c"]);
    s = R.reorder(s, "c", 0);
    expect(R.toTiers(s)).toEqual([["c"], ["a"], ["b"]]);
    s = R.reorder(s, "c", 2);
    expect(R.bestFirst(s)).toEqual(["a", "b", "c"]);
  });
});
