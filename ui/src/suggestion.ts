import { h } from "./dom";
import type { Suggestion } from "./qualityTypes";

// A judge's suggestion on the annotate page: the ranks it pre-fills and the label that says whose they are.

/** Rank numbers (1 = best, tied responses share one) for the shown responses the suggestion ranks. */
export function suggestedRanks(suggestion: Suggestion, shown: readonly string[]): Map<string, number> {
  const ranks = new Map<string, number>();
  suggestion.ranking.forEach((tier, index) => {
    for (const id of tier) if (shown.includes(id)) ranks.set(id, index + 1);
  });
  return ranks;
}

export function suggestionBanner(suggestion: Suggestion): HTMLElement {
  const when = new Date(suggestion.rankedAt).toLocaleString();
  return h("p", { class: "suggestion", role: "note", "data-judge": suggestion.judgeId },
    h("strong", {}, "AI suggestion"), ` from ${suggestion.judgeName} (ranked ${when}) is pre-filled. `,
    "Check it: change any rank with 1–9, or press Enter to accept it.");
}
