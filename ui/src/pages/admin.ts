import { api, post } from "../api";
import { errorBox, h, mount } from "../dom";
import { queueOrderSelect } from "../queueOrder";
import type { CampaignView } from "../types";

// Admin home: campaigns with progress, creating campaigns and tokens.

export async function adminPage(): Promise<void> {
  let campaigns: CampaignView[];
  try {
    campaigns = await api<CampaignView[]>("/api/campaigns");
  } catch (e) {
    mount(errorBox((e as Error).message));
    return;
  }
  const table = h("table", { class: "data" },
    h("thead", {}, h("tr", {}, ...["Campaign", "k", "Overlap", "Tasks", "Done", "Annotations"].map((t) => h("th", {}, t)))),
    h("tbody", {}, ...campaigns.map((c) => h("tr", {},
      h("td", {}, h("a", { href: `#/admin/campaigns/${encodeURIComponent(c.campaign.id)}` }, c.campaign.name)),
      h("td", {}, String(c.campaign.responsesPerTask)), h("td", {}, String(c.campaign.overlap)),
      h("td", {}, String(c.tasks)), h("td", {}, String(c.tasksDone)), h("td", {}, String(c.annotations))))));
  mount(h("h1", {}, "Campaigns"), table, createCampaignForm(), createTokenForm());
}

function createCampaignForm(): HTMLElement {
  const name = h("input", { name: "name", required: "", placeholder: "Name" });
  const k = h("input", { name: "k", type: "number", min: "2", max: "9", value: "2", "aria-label": "Responses per task" });
  const overlap = h("input", { name: "overlap", type: "number", min: "1", value: "1", "aria-label": "Overlap" });
  const guidelines = h("textarea", { name: "guidelines", rows: "4", placeholder: "Guidelines (markdown)" });
  const order = queueOrderSelect("sequence");
  const out = h("p", { role: "status" });
  const form = h("form", { class: "card" }, h("h2", {}, "New campaign"), name,
    h("label", {}, "Responses per task ", k), h("label", {}, "Annotators per task ", overlap), h("label", {}, "Serve tasks in ", order), guidelines,
    h("button", { type: "submit" }, "Create"), out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const created = await post<CampaignView>("/api/campaigns", {
        name: name.value, responsesPerTask: Number(k.value), overlap: Number(overlap.value), guidelines: guidelines.value, queueOrder: order.value,
      });
      location.hash = `#/admin/campaigns/${encodeURIComponent(created.campaign.id)}`;
    } catch (err) {
      out.replaceChildren(errorBox((err as Error).message));
    }
  });
  return form;
}

function createTokenForm(): HTMLElement {
  const name = h("input", { name: "name", required: "", placeholder: "Annotator or judge name" });
  const role = h("select", { name: "role", "aria-label": "Role" },
    h("option", { value: "annotator" }, "annotator"), h("option", { value: "admin" }, "admin"), h("option", { value: "trainer" }, "trainer"),
    h("option", { value: "reviewer" }, "reviewer"));
  const kind = h("select", { name: "kind", "aria-label": "Kind" }, h("option", { value: "human" }, "human"), h("option", { value: "judge" }, "judge"));
  const out = h("div", { role: "status" });
  const form = h("form", { class: "card" }, h("h2", {}, "New token"), name, role, kind, h("button", { type: "submit" }, "Create token"), out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const issued = await post<{ annotator: { id: string }; token: string }>("/api/annotators", { name: name.value, role: role.value, kind: kind.value });
      out.replaceChildren(h("p", {}, `Token for ${issued.annotator.id} (shown once): `), h("code", { class: "token" }, issued.token));
    } catch (err) {
      out.replaceChildren(errorBox((err as Error).message));
    }
  });
  return form;
}
