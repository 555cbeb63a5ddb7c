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

  it("leaves Tab and Shift+Tab to the browser, so focus reaches the toolbar and the rationale box", () => {
    expect(commandFor({ key: "Tab" })).toBeNull();
    expect(commandFor({ key: "Tab", shiftKey: true })).toBeNull();
  });

  it("moves between responses with the arrows", () => {
    expect(commandFor({ key: "ArrowRight" })).toEqual({ kind: "move", delta: 1 });
    expect(commandFor({ key: "ArrowLeft" })).toEqual({ kind: "move", delta: -1 });
  });
});
