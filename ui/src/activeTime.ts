// Time spent on a task with idle excluded: the clock runs only while the page is visible and the last key or
// pointer event is at most IDLE_AFTER_MS old. The server caps it again by the offer-to-submit time (ActiveTime.cs).

export const IDLE_AFTER_MS = 60_000;

export class ActiveTimer {
  private activeMs = 0;
  private lastTick: number;
  private lastInput: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastTick = this.lastInput = now();
  }

  /** Starts counting a new task from zero. */
  restart(): void {
    this.activeMs = 0;
    this.lastTick = this.lastInput = this.now();
  }

  /** A key or pointer event: the annotator is here. */
  input(): void {
    this.tick(true);
    this.lastInput = this.now();
  }

  /** The page was hidden or shown again. */
  visibility(visible: boolean): void {
    this.tick(!visible);
    if (visible) this.lastTick = this.lastInput = this.now();
  }

  elapsedMs(visible = true): number {
    this.tick(visible);
    return Math.round(this.activeMs);
  }

  /** Adds the time since the last tick that counts as active: up to IDLE_AFTER_MS after the last input. */
  private tick(countIt: boolean): void {
    const now = this.now();
    if (countIt) {
      const activeUntil = Math.min(now, this.lastInput + IDLE_AFTER_MS);
      if (activeUntil > this.lastTick) this.activeMs += activeUntil - this.lastTick;
    }
    this.lastTick = now;
  }
}
