import { h } from "./dom";

// A campaign's queue order: which open task an annotator gets next (server: Campaign.QueueOrder, LabelPriority).

export type QueueOrder = "sequence" | "random" | "uncertainty" | "judgeDisagreement";

export const QUEUE_ORDERS: { value: QueueOrder; label: string }[] = [
  { value: "sequence", label: "Import order" },
  { value: "random", label: "Random" },
  { value: "uncertainty", label: "Reward model least sure first (needs pref campaign score)" },
  { value: "judgeDisagreement", label: "Judge contradicts reward model first (needs a suggestion judge and scores)" },
];

/** A native select (arrow keys, type-ahead and Enter work as everywhere), labelled for screen readers. */
export function queueOrderSelect(current: QueueOrder | undefined): HTMLSelectElement {
  const select = h("select", { name: "queueOrder", "aria-label": "Queue order" },
    ...QUEUE_ORDERS.map((o) => h("option", { value: o.value }, o.label)));
  select.value = current ?? "sequence";
  return select;
}
