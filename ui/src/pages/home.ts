import { api } from "../api";
import { errorBox, h, mount } from "../dom";
import type { Me, MyCampaign } from "../types";

export async function homePage(me: Me): Promise<void> {
  try {
    const campaigns = await api<MyCampaign[]>("/api/my/campaigns");
    const list = h("ul", { class: "campaigns" },
      ...campaigns.map((c) => h("li", {},
        h("a", { href: `#/annotate/${encodeURIComponent(c.id)}` }, c.name),
        h("span", { class: "muted" }, ` — ${c.mine} done, ${c.remaining} left`))));
    mount(h("section", {}, h("h1", {}, `Hello, ${me.name}`),
      campaigns.length ? list : h("p", {}, "No campaign is open to you yet.")));
  } catch (e) {
    mount(errorBox((e as Error).message));
  }
}
