// Annotator keyboard map: 1..9 rank, T tie with last, Enter submit, S skip, E edit previous, G guidelines, ? help,
// arrows move between responses. Keys typed into text fields are never commands, and Tab is left to the browser so
// the toolbar buttons and the rationale box stay reachable from the keyboard.

export type Command =
  | { kind: "rank"; n: number }
  | { kind: "tie" }
  | { kind: "submit" }
  | { kind: "skip" }
  | { kind: "edit" }
  | { kind: "help" }
  | { kind: "guidelines" }
  | { kind: "move"; delta: number }
  | { kind: "escape" };

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  inTextField?: boolean;
}

export function commandFor(e: KeyInput): Command | null {
  if (e.key === "Escape") return { kind: "escape" };
  if (e.inTextField || e.ctrlKey || e.metaKey || e.altKey) return null;
  if (/^[1-9]$/.test(e.key)) return { kind: "rank", n: Number(e.key) };
  switch (e.key) {
    case "t":
    case "T":
      return { kind: "tie" };
    case "Enter":
      return { kind: "submit" };
    case "s":
    case "S":
      return { kind: "skip" };
    case "g":
    case "G":
      return { kind: "guidelines" };
    case "e":
    case "E":
      return { kind: "edit" };
    case "?":
      return { kind: "help" };
    case "ArrowRight":
    case "ArrowDown":
      return { kind: "move", delta: 1 };
    case "ArrowLeft":
    case "ArrowUp":
      return { kind: "move", delta: -1 };
    default:
      return null;
  }
}

export const HELP: ReadonlyArray<[string, string]> = [
  ["1 … 9", "give the highlighted response that rank (1 = best); equal numbers are ties"],
  ["T", "tie the highlighted response with the one you ranked last"],
  ["← →", "move between responses"],
  ["Tab", "move to the toolbar and the rationale box (Esc leaves the box)"],
  ["Enter", "submit the ranking"],
  ["S", "skip this task"],
  ["E", "reopen your previous submission to change it"],
  ["G", "show or hide the guidelines"],
  ["?", "show or hide this help"],
];
