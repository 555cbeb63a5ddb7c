// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { settingsForm } from "../src/pages/quality";
import { QUEUE_ORDERS, queueOrderSelect } from "../src/queueOrder";

// The quality page's chart library measures the screen when loaded, which jsdom has none of; no chart is drawn here.
vi.mock("uplot", () => ({ default: class {} }));

describe("queue order", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("is a labelled native select offering the server's four orders, import order by default", () => {
    const select = queueOrderSelect(undefined);
    expect(select.tagName).toBe("SELECT");
    expect(select.getAttribute("aria-label")).toBe("Queue order");
    expect([...select.options].map((o) => o.value)).toEqual(["sequence", "random", "uncertainty", "judgeDisagreement"]);
    expect(select.value).toBe("sequence");
    expect(queueOrderSelect("uncertainty").value).toBe("uncertainty");
    expect(QUEUE_ORDERS.every((o) => o.label.length > 0)).toBe(true);
  });

  it("is saved with the campaign's other quality settings", async () => {
    const sent: { url: string; body: Record<string, unknown> }[] = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      sent.push({ url, body: JSON.parse(init.body as string) });
      return new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } });
    });
    const form = settingsForm({
      id: "c1", name: "c", guidelines: "", responsesPerTask: 2, overlap: 1, allowedAnnotatorIds: [],
      goldRate: 0.1, suggestionHoldout: 0.2, queueOrder: "random",
    });
    document.body.append(form);
    const select = form.querySelector<HTMLSelectElement>("select[name=queueOrder]")!;
    expect(select.value).toBe("random");
    expect(select.closest("label")?.textContent).toContain("Serve tasks in");
    select.value = "uncertainty";
    (form as HTMLFormElement).requestSubmit();
    await vi.waitFor(() => expect(form.querySelector("[role=status]")?.textContent).toBe("Saved."));
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe("/api/campaigns/c1/quality-settings");
    expect(sent[0].body).toMatchObject({ goldRate: 0.1, queueOrder: "uncertainty" });
  });
});
