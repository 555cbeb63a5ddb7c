import { ActiveTimer } from "../activeTime";
import { api, post } from "../api";
import { h, mount, errorBox } from "../dom";
import { commandFor, HELP } from "../keyboard";
import { escapeHtml, renderMarkdown } from "../markdown";
import * as R from "../ranking";
import { suggestedRanks, suggestionBanner } from "../suggestion";
import type { Message, MyCampaign, NextTask, ShownCompletion } from "../types";

// The annotator page: prompt on top, responses side by side (stacked on a phone), keyboard first.

let detach: (() => void) | null = null;

export async function annotatePage(campaignId: string): Promise<void> {
  detach?.();
  let campaign: MyCampaign;
  try {
    campaign = await api<MyCampaign>(`/api/my/campaigns/${encodeURIComponent(campaignId)}`);
  } catch (e) {
    mount(errorBox((e as Error).message));
    return;
  }
  const view = new AnnotateView(campaign);
  const onKey = (e: KeyboardEvent) => view.onKey(e);
  const onPointer = () => view.timer.input();
  const onVisibility = () => view.timer.visibility(document.visibilityState === "visible");
  window.addEventListener("keydown", onKey);
  window.addEventListener("pointerdown", onPointer);
  document.addEventListener("visibilitychange", onVisibility);
  detach = () => {
    window.removeEventListener("keydown", onKey);
    window.removeEventListener("pointerdown", onPointer);
    document.removeEventListener("visibilitychange", onVisibility);
  };
  window.addEventListener("hashchange", () => detach?.(), { once: true });
  await view.loadNext();
}

/** The submission just made, kept so E can reopen it (the API allows editing only the last one). */
interface Previous { next: NextTask; state: R.RankingState; rationale: string }

class AnnotateView {
  private next: NextTask | null = null;
  private previous: Previous | null = null;
  private editing = false;
  private state: R.RankingState = R.start([]);
  /** Time on the current task, idle and hidden time excluded (see activeTime.ts). */
  readonly timer = new ActiveTimer();
  private readonly suggestion = h("div", { class: "suggestion-slot" });
  private busy = false;
  private readonly status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  /** The outcome of the last submit/edit, kept apart from the ranking status so the next task does not hide it. */
  private readonly outcome = h("p", { class: "outcome muted", "aria-live": "polite" });
  private readonly progress = h("progress", { max: "1", value: "0", "aria-label": "Your progress" });
  private readonly progressText = h("span", { class: "muted" });
  private readonly guidelines: HTMLElement;
  private readonly help: HTMLElement;
  private readonly rationale = h("textarea", { id: "rationale", rows: "3", placeholder: "Why? (optional)", "aria-label": "Rationale" });
  private readonly prompt = h("section", { class: "prompt", "aria-label": "Prompt" });
  private readonly cards = h("section", { class: "responses", "aria-label": "Responses" });

  constructor(private readonly campaign: MyCampaign) {
    this.guidelines = h("aside", { class: "guidelines", hidden: "" });
    this.guidelines.innerHTML = renderMarkdown(campaign.guidelines || "_No guidelines._");
    this.help = h("div", { class: "help", hidden: "", role: "dialog", "aria-label": "Keyboard help" },
      h("h2", {}, "Keyboard"),
      h("dl", {}, ...HELP.flatMap(([k, what]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, what)])));
    const toolbar = h("div", { class: "toolbar" },
      this.progress, this.progressText,
      button("Guidelines (G)", () => toggle(this.guidelines)),
      button("Help (?)", () => toggle(this.help)),
      button("Skip (S)", () => void this.skip()),
      button("Edit previous (E)", () => this.editPrevious()),
      button("Submit (Enter)", () => void this.submit(), "primary"));
    mount(h("h1", {}, campaign.name), toolbar, this.guidelines, this.help, this.prompt, this.suggestion, this.cards, this.rationale, this.status, this.outcome);
  }

  async loadNext(): Promise<void> {
    try {
      this.next = (await post<NextTask | undefined>(`/api/campaigns/${encodeURIComponent(this.campaign.id)}/next`)) ?? null;
    } catch (e) {
      this.say((e as Error).message, true);
      return;
    }
    if (!this.next) {
      this.prompt.replaceChildren(h("h2", { class: "done" }, "All done — no task is left for you in this campaign. Thank you!"));
      this.cards.replaceChildren();
      this.setProgress(this.campaign.mine, 0);
      return;
    }
    const task = this.next.task;
    this.state = R.start(task.completions.map((c) => c.id));
    // A reload returns the same reservation; restore the draft so nothing typed is lost.
    const draft = sessionStorage.getItem(draftKey(task.taskId));
    if (draft) {
      const saved = JSON.parse(draft) as { ranks: [string, number][]; rationale: string };
      this.state = { ...this.state, ranks: new Map(saved.ranks.filter(([id]) => this.state.shown.includes(id))) };
      this.rationale.value = saved.rationale;
    } else {
      this.rationale.value = "";
      if (task.suggestion) this.state = { ...this.state, ranks: suggestedRanks(task.suggestion, this.state.shown) };
    }
    this.suggestion.replaceChildren(...(task.suggestion ? [suggestionBanner(task.suggestion)] : []));
    this.timer.restart();
    this.setProgress(this.next.mine, this.next.remaining);
    this.prompt.replaceChildren(h("h2", {}, "Prompt"), contentOf(task.prompt.text, task.prompt.messages, "prompt-body"));
    this.render();
  }

  onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    const inTextField = !!target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT");
    this.timer.input();
    const command = commandFor({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, shiftKey: e.shiftKey, inTextField });
    if (!command) return;
    if (command.kind === "escape") {
      if (inTextField) target!.blur();
      this.help.hidden = true;
      return;
    }
    if (!this.next && command.kind !== "help" && command.kind !== "guidelines" && command.kind !== "edit") return;
    e.preventDefault();
    switch (command.kind) {
      case "rank": this.update(R.assign(this.state, command.n)); break;
      case "tie": this.update(R.tie(this.state)); break;
      case "move": this.update(R.moveFocus(this.state, command.delta)); break;
      case "submit": void this.submit(); break;
      case "skip": void this.skip(); break;
      case "edit": this.editPrevious(); break;
      case "help": toggle(this.help); break;
      case "guidelines": toggle(this.guidelines); break;
    }
  }

  private update(state: R.RankingState): void {
    this.state = state;
    if (this.next)
      sessionStorage.setItem(draftKey(this.next.task.taskId), JSON.stringify({ ranks: [...state.ranks], rationale: this.rationale.value }));
    this.render();
  }

  private render(): void {
    if (!this.next) return;
    const byId = new Map(this.next.task.completions.map((c) => [c.id, c] as [string, ShownCompletion]));
    this.cards.replaceChildren(...this.state.shown.map((id, index) => {
      const c = byId.get(id)!;
      const rank = this.state.ranks.get(id);
      const card = h("article", {
        class: `response${index === this.state.focus ? " focused" : ""}`,
        "data-id": id, "data-index": String(index), draggable: "true", tabindex: "-1",
        "aria-label": `Response ${String.fromCharCode(65 + index)}${rank ? `, rank ${rank}` : ", not ranked"}`,
      },
        h("header", {}, h("span", { class: "label" }, `Response ${String.fromCharCode(65 + index)}`),
          h("span", { class: `rank${rank ? "" : " unranked"}`, "data-rank": rank ? String(rank) : "" }, rank ? `#${rank}` : "–")),
        contentOf(c.text, c.messages, "response-body"));
      card.addEventListener("click", () => this.update(R.focusOn(this.state, id)));
      card.addEventListener("dragstart", (e) => e.dataTransfer?.setData("text/plain", id));
      card.addEventListener("dragover", (e) => e.preventDefault());
      card.addEventListener("drop", (e) => {
        e.preventDefault();
        const dragged = e.dataTransfer?.getData("text/plain");
        if (dragged) this.update(R.reorder(this.state, dragged, R.bestFirst(this.state).indexOf(id)));
      });
      return card;
    }));
    const ranked = this.state.ranks.size;
    this.say(R.isComplete(this.state) ? "Ranked — press Enter to submit." : `${ranked} of ${this.state.shown.length} ranked.`);
  }

  private async submit(): Promise<void> {
    if (!this.next || this.busy) return;
    if (!R.isComplete(this.state)) {
      this.say("Rank every response first (1–9, T for a tie).", true);
      return;
    }
    this.busy = true;
    const task = this.next.task;
    const body = {
      taskId: task.taskId,
      ranking: R.toTiers(this.state),
      rationale: this.rationale.value.trim() || undefined,
      timeSpentMs: this.timer.elapsedMs(document.visibilityState === "visible"),
    };
    try {
      const path = `/api/campaigns/${encodeURIComponent(this.campaign.id)}/annotations`;
      const wasEditing = this.editing;
      if (wasEditing) await api(`${path}/last`, { method: "PUT", body: JSON.stringify(body) });
      else await post(path, body);
      sessionStorage.removeItem(draftKey(task.taskId));
      if (!wasEditing) this.campaign.mine = this.next.mine + 1;
      this.previous = { next: this.next, state: this.state, rationale: this.rationale.value };
      this.editing = false;
      await this.loadNext();
      // Said once the next task is on screen: until then keys are ignored (busy), so "Saved." means "ready".
      this.outcome.textContent = wasEditing ? "Edited." : "Saved.";
    } catch (e) {
      this.say(`Not saved: ${(e as Error).message}`, true);
    } finally {
      this.busy = false;
    }
  }

  /** Shows the previous submission with its ranks; Enter saves the change with PUT .../annotations/last. */
  private editPrevious(): void {
    if (!this.previous || this.busy || this.editing) return;
    this.editing = true;
    this.next = this.previous.next;
    this.state = this.previous.state;
    this.rationale.value = this.previous.rationale;
    this.suggestion.replaceChildren();
    this.timer.restart();
    const task = this.next.task;
    this.prompt.replaceChildren(h("h2", {}, "Editing your previous ranking"), contentOf(task.prompt.text, task.prompt.messages, "prompt-body"));
    this.render();
  }

  private async skip(): Promise<void> {
    if (!this.next || this.busy || this.editing) return;
    this.busy = true;
    try {
      await post(`/api/campaigns/${encodeURIComponent(this.campaign.id)}/tasks/${encodeURIComponent(this.next.task.taskId)}/skip`);
      sessionStorage.removeItem(draftKey(this.next.task.taskId));
      await this.loadNext();
    } catch (e) {
      this.say((e as Error).message, true);
    } finally {
      this.busy = false;
    }
  }

  private setProgress(mine: number, remaining: number): void {
    const total = mine + remaining;
    this.progress.max = Math.max(total, 1);
    this.progress.value = mine;
    this.progressText.textContent = `${mine} done · ${remaining} left`;
  }

  private say(message: string, isError = false): void {
    this.status.textContent = message;
    this.status.classList.toggle("error", isError);
  }
}

function contentOf(text: string | undefined, messages: Message[] | undefined, cls: string): HTMLElement {
  const body = h("div", { class: `markdown ${cls}` });
  if (messages) body.innerHTML = messages.map((m) => `<div class="turn"><b>${escapeHtml(m.role)}</b>${renderMarkdown(m.content)}</div>`).join("");
  else body.innerHTML = renderMarkdown(text ?? "");
  return body;
}

function button(label: string, onClick: () => void, cls = ""): HTMLButtonElement {
  const b = h("button", { type: "button", class: cls }, label);
  b.addEventListener("click", onClick);
  return b;
}

function toggle(el: HTMLElement): void {
  el.hidden = !el.hidden;
}

function draftKey(taskId: string): string {
  return `pref.draft.${taskId}`;
}
