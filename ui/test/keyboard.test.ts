import { describe, expect, it } from "vitest";
import { commandFor } from "../src/keyboard";

describe("keyboard map", () => {
  it("maps digits 1..9 to ranks and ignores 0", () => {
    expect(commandFor({ key: "3" })).toEqual({ kind: "rank", n: 3 });
    expect(commandFor({ key: "0" })).toBeNull();
  });

  it.each([
    ["t", "tie"], ["T", "tie"], ["Enter", "submit"], ["s", "skip"], ["?", "help"], ["g", "guidelines"], ["e", "edit"],
  ])("maps %s to %s", (key, kind) => {
    expect(commandFor({ key })?.kind).toBe(kind);
  });

  it("never treats typing in the rationale box as commands", () => {
    expect(commandFor({ key: "1", inTextField: true })).toBeNull();
    expect(commandFor({ key: "Enter", inTextField: true })).toBeNull();
    expect(commandFor({ key: "s", inTextField: true })).toBeNull();
  });

  it("leaves browser shortcuts alone", () => {
    expect(commandFor({ key: "s", ctrlKey: true })).toBeNull();
    expect(commandFor({ key: "1", metaKey: true })).toBeNull();
  });

  it("Shift+Tab moves back", () => {
    expect(commandFor({ key: "Tab", shiftKey: true })).toEqual({ kind: "move", delta: -1 });
  });
});
