import { api, post } from "../api";
import { errorBox, h, mount } from "../dom";
import { escapeHtml, renderMarkdown } from "../markdown";
import type { ReviewCampaign, ReviewCase, Tiers } from "../qualityTypes";
import * as R from "../ranking";
import { REVIEW_HELP, reviewCommandFor, type ReviewMode } from "../reviewKeys";

// The reviewer's desk: one disagreed task at a time, every annotator's ranking beside it; accept one, write your
// own or discard, with a note. Keyboard first (see reviewKeys.ts).

let detach: (() => void) | null = null;

export async function reviewListPage(): Promise<void> {
  detach?.();
  try {
    const campaigns = await api<ReviewCampaign[]>("/api/reviews/campaigns");
    mount(h("h1", {}, "Review"), campaigns.length === 0 ? h("p", {}, "No campaign has review turned on.") :
      h("ul", {}, ...campaigns.map((c) => h("li", {}, h("a", { href: `#/review/${encodeURIComponent(c.id)}` }, c.name),
        h("span", { class: "muted" }, ` ${c.pending} waiting`)))));
  } catch (e) {
    mount(errorBox((e as Error).message));
  }
}

export async function reviewPage(campaignId: string): Promise<void> {
  detach?.();
  const desk = new ReviewDesk(campaignId);
  const onKey = (e: KeyboardEvent) => desk.onKey(e);
  window.addEventListener("keydown", onKey);
  detach = () => window.removeEventListener("keydown", onKey);
  window.addEventListener("hashchange", () => detach?.(), { once: true });
  await desk.loadNext();
}

class ReviewDesk {
  private current: ReviewCase | null = null;
  private mode: ReviewMode = "choose";
  private picked: number | null = null;
  private discarding = false;
  private own: R.RankingState = R.start([]);
  private busy = false;
  private readonly body = h("section", { class: "review" });
  private readonly rankings = h("ol", { class: "review-rankings", "aria-label": "Annotator rankings" });
  private readonly note = h("textarea", { id: "review-note", rows: "2", placeholder: "Note (N)", "aria-label": "Note" });
  private readonly status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  private readonly outcome = h("p", { class: "outcome muted", "aria-live": "polite" });

  constructor(private readonly campaignId: string) {
    const help = h("dl", { class: "muted" }, ...REVIEW_HELP.flatMap(([k, what]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, what)]));
    mount(h("h1", {}, `Review: ${campaignId}`), this.body, this.rankings, this.note, this.status, this.outcome, h("details", {}, h("summary", {}, "Keys"), help));
  }

  async loadNext(): Promise<void> {
    let pending: ReviewCase[];
    try {
      pending = await api<ReviewCase[]>(`/api/campaigns/${encodeURIComponent(this.campaignId)}/reviews`);
    } catch (e) {
      this.say((e as Error).message, true);
      return;
    }
    this.current = pending[0] ?? null;
    this.mode = "choose";
    this.picked = null;
    this.discarding = false;
    this.note.value = "";
    if (!this.current) {
      this.body.replaceChildren(h("h2", { class: "done" }, "No task waits for review."));
      this.rankings.replaceChildren();
      this.say("");
      return;
    }
    this.own = R.start(this.current.completions.map((c) => c.id));
    this.render();
  }

  onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    const inTextField = !!target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT");
    const command = reviewCommandFor(e.key, this.mode, inTextField, e.ctrlKey || e.metaKey || e.altKey);
    if (!command || !this.current || this.busy) return;
    e.preventDefault();
    switch (command.kind) {
      case "back":
        if (inTextField) target!.blur();
        else { this.mode = "choose"; this.discarding = false; }
        break;
      case "note": this.note.focus(); return;
      case "pick":
        if (command.n <= this.current.rankings.length) { this.picked = command.n - 1; this.discarding = false; }
        break;
      case "own": this.mode = "write"; this.picked = null; this.discarding = false; break;
      case "discard": this.discarding = true; this.picked = null; break;
      case "rank": this.own = R.assign(this.own, command.n); break;
      case "tie": this.own = R.tie(this.own); break;
      case "move": this.own = R.moveFocus(this.own, command.delta); break;
      case "confirm": void this.decide(); return;
    }
    this.render();
  }

  private async decide(): Promise<void> {
    const c = this.current!;
    let body: Record<string, unknown>;
    if (this.mode === "write") {
      if (!R.isComplete(this.own)) return this.say("Rank every response first (1–9, T for a tie).", true);
      body = { decision: "own", ranking: R.toTiers(this.own) };
    } else if (this.discarding) body = { decision: "discard" };
    else if (this.picked !== null) body = { decision: "accept", annotationId: c.rankings[this.picked].annotationId };
    else return this.say("Pick a ranking (1–9), write your own (W) or discard (D) first.", true);
    this.busy = true;
    try {
      await post(`/api/campaigns/${encodeURIComponent(this.campaignId)}/reviews`, { taskId: c.taskId, note: this.note.value.trim(), ...body });
      await this.loadNext();
      this.outcome.textContent = `Decided: ${body.decision}.`;
    } catch (e) {
      this.say(`Not saved: ${(e as Error).message}`, true);
    } finally {
      this.busy = false;
    }
  }

  private render(): void {
    const c = this.current!;
    const letter = (id: string) => String.fromCharCode(65 + c.completions.findIndex((x) => x.id === id));
    const describe = (tiers: Tiers) => tiers.map((t) => t.map(letter).join(" = ")).join(" > ");
    const cards = c.completions.map((completion, index) => {
      const rank = this.own.ranks.get(completion.id);
      const focused = this.mode === "write" && index === this.own.focus;
      const card = h("article", { class: `response${focused ? " focused" : ""}`, "data-id": completion.id },
        h("header", {}, h("span", { class: "label" }, `Response ${String.fromCharCode(65 + index)}`),
          this.mode === "write" ? h("span", { class: `rank${rank ? "" : " unranked"}` }, rank ? `#${rank}` : "–") : null),
        content(completion.text, completion.messages));
      return card;
    });
    this.body.replaceChildren(
      h("p", { class: "muted" }, `Disagreement ${(c.disagreement * 100).toFixed(0)}% · task ${c.taskId}`),
      h("section", { class: "prompt", "aria-label": "Prompt" }, h("h2", {}, "Prompt"), content(c.prompt.text, c.prompt.messages)),
      h("section", { class: "responses", "aria-label": "Responses" }, ...cards));
    this.rankings.replaceChildren(...c.rankings.map((r, i) =>
      h("li", { class: this.picked === i ? "chosen" : "", "data-annotation": r.annotationId },
        h("kbd", {}, String(i + 1)), ` ${r.annotatorId}: ${describe(r.ranking)}`, r.rationale ? h("span", { class: "muted" }, ` — ${r.rationale}`) : null)));
    if (this.mode === "write") this.say(R.isComplete(this.own) ? "Your ranking is complete — Enter submits it." : "Writing your own ranking: 1–9 rank, arrows move.");
    else if (this.discarding) this.say("Discard this task? Enter confirms, Escape cancels.");
    else if (this.picked !== null) this.say(`Ranking ${this.picked + 1} picked — Enter accepts it.`);
    else this.say("Pick a ranking (1–9), write your own (W) or discard (D).");
  }

  private say(message: string, isError = false): void {
    this.status.textContent = message;
    this.status.classList.toggle("error", isError);
  }
}

function content(text: string | undefined, messages: { role: string; content: string }[] | undefined): HTMLElement {
  const body = h("div", { class: "markdown" });
  if (messages) body.innerHTML = messages.map((m) => `<div class="turn"><b>${escapeHtml(m.role)}</b>${renderMarkdown(m.content)}</div>`).join("");
  else body.innerHTML = renderMarkdown(text ?? "");
  return body;
}
