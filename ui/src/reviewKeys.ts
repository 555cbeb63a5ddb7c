// Reviewer keyboard map. Choosing: 1..9 pick annotator ranking n, Enter accepts it, W writes your own, D discards,
// N types a note. Writing: 1..9 rank the highlighted response, T ties, arrows move, Enter submits, Escape goes back.

export type ReviewCommand =
  | { kind: "pick"; n: number }
  | { kind: "confirm" }
  | { kind: "own" }
  | { kind: "discard" }
  | { kind: "note" }
  | { kind: "back" }
  | { kind: "rank"; n: number }
  | { kind: "tie" }
  | { kind: "move"; delta: number };

export type ReviewMode = "choose" | "write";

export function reviewCommandFor(key: string, mode: ReviewMode, inTextField: boolean, modifier = false): ReviewCommand | null {
  if (key === "Escape") return { kind: "back" };
  if (inTextField || modifier) return null;
  if (/^[1-9]$/.test(key)) return mode === "choose" ? { kind: "pick", n: Number(key) } : { kind: "rank", n: Number(key) };
  if (key === "Enter") return { kind: "confirm" };
  const lower = key.toLowerCase();
  if (mode === "choose") {
    if (lower === "w") return { kind: "own" };
    if (lower === "d") return { kind: "discard" };
    if (lower === "n") return { kind: "note" };
    return null;
  }
  if (lower === "t") return { kind: "tie" };
  if (lower === "n") return { kind: "note" };
  if (key === "ArrowRight" || key === "ArrowDown") return { kind: "move", delta: 1 };
  if (key === "ArrowLeft" || key === "ArrowUp") return { kind: "move", delta: -1 };
  return null;
}

export const REVIEW_HELP: ReadonlyArray<[string, string]> = [
  ["1 … 9", "pick annotator ranking n (while writing: rank the highlighted response)"],
  ["Enter", "accept the picked ranking (while writing: submit your ranking)"],
  ["W", "write your own ranking"],
  ["D", "discard the task (press Enter to confirm)"],
  ["N", "type a note; Escape leaves the note"],
  ["Escape", "back to choosing"],
];
