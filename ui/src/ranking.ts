// The ranking being built for one task, independent of the DOM so it can be unit-tested.
// Each shown response gets a rank number (1 = best); equal numbers are ties. Tiers are the ranks in order.

export interface RankingState {
  readonly shown: readonly string[];
  readonly ranks: ReadonlyMap<string, number>;
  /** Index in `shown` of the response the keyboard acts on. */
  readonly focus: number;
  /** Rank given most recently, which T (tie) repeats. */
  readonly lastRank: number | null;
}

export function start(shown: readonly string[]): RankingState {
  return { shown, ranks: new Map(), focus: 0, lastRank: null };
}

/** Gives the focused response rank n and moves focus to the next unranked response. */
export function assign(state: RankingState, n: number): RankingState {
  if (!Number.isInteger(n) || n < 1 || n > 9) return state;
  const id = state.shown[state.focus];
  const ranks = new Map(state.ranks);
  ranks.set(id, n);
  return { ...state, ranks, lastRank: n, focus: nextUnranked(state.shown, ranks, state.focus) };
}

/** Ties the focused response with the last one ranked. */
export function tie(state: RankingState): RankingState {
  return state.lastRank === null ? state : assign(state, state.lastRank);
}

export function moveFocus(state: RankingState, delta: number): RankingState {
  const n = state.shown.length;
  return { ...state, focus: (((state.focus + delta) % n) + n) % n };
}

export function focusOn(state: RankingState, id: string): RankingState {
  const index = state.shown.indexOf(id);
  return index < 0 ? state : { ...state, focus: index };
}

/** Drag and drop: puts `id` at position `to` of the current best-first order and re-ranks everything strictly. */
export function reorder(state: RankingState, id: string, to: number): RankingState {
  const order = bestFirst(state).filter((x) => x !== id);
  order.splice(Math.max(0, Math.min(to, order.length)), 0, id);
  const ranks = new Map(order.map((x, i) => [x, i + 1] as [string, number]));
  return { ...state, ranks, lastRank: ranks.get(id) ?? null };
}

/** Current order, best first: ranked responses by rank, then unranked ones in shown order. */
export function bestFirst(state: RankingState): string[] {
  const position = (id: string) => state.ranks.get(id) ?? 100 + state.shown.indexOf(id);
  return [...state.shown].sort((a, b) => position(a) - position(b));
}

export function isComplete(state: RankingState): boolean {
  return state.shown.every((id) => state.ranks.has(id));
}

/** The ranking in the API's shape: tiers of ids, best first; rank gaps collapse. */
export function toTiers(state: RankingState): string[][] {
  if (!isComplete(state)) throw new Error("every response needs a rank");
  const byRank = new Map<number, string[]>();
  for (const id of state.shown) {
    const r = state.ranks.get(id)!;
    byRank.set(r, [...(byRank.get(r) ?? []), id]);
  }
  return [...byRank.keys()].sort((a, b) => a - b).map((r) => byRank.get(r)!);
}

function nextUnranked(shown: readonly string[], ranks: ReadonlyMap<string, number>, from: number): number {
  for (let step = 1; step <= shown.length; step++) {
    const i = (from + step) % shown.length;
    if (!ranks.has(shown[i])) return i;
  }
  return from;
}
