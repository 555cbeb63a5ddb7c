import "./style.css";
import { api, ApiError, setToken } from "./api";
import { h } from "./dom";
import { adminPage } from "./pages/admin";
import { annotatePage } from "./pages/annotate";
import { campaignPage } from "./pages/campaign";
import { homePage } from "./pages/home";
import { loginPage } from "./pages/login";
import { reviewListPage, reviewPage } from "./pages/review";
import { trainingPage } from "./pages/training";
import type { Me } from "./types";

// Hash routes, so the server only ever serves index.html and the static assets.
async function route(): Promise<void> {
  const path = location.hash.replace(/^#/, "") || "/";
  if (path === "/login") return loginPage();
  let me: Me;
  try {
    me = await api<Me>("/api/me");
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setToken(null);
      location.hash = "#/login";
      return;
    }
    throw e;
  }
  drawNav(me);
  const [, section, a, b] = path.split("/").map(decodeURIComponent);
  if (section === "annotate" && a) return annotatePage(a);
  if (section === "review") return a ? reviewPage(a) : reviewListPage();
  if (section === "admin" && a === "campaigns" && b) return campaignPage(b);
  if (section === "admin") return adminPage();
  if (section === "training") return trainingPage(a);
  return homePage(me);
}

function drawNav(me: Me): void {
  const links: [string, string][] = [["#/", "My campaigns"]];
  if (me.role === "admin") links.push(["#/admin", "Admin"], ["#/training", "Training"]);
  if (me.role === "admin" || me.role === "reviewer") links.push(["#/review", "Review"]);
  const signOut = h("a", { href: "#/login" }, "Sign out");
  signOut.addEventListener("click", () => setToken(null));
  document.getElementById("nav")!.replaceChildren(
    ...links.map(([href, text]) => h("a", { href }, text)), h("span", { class: "muted" }, me.name), signOut);
}

window.addEventListener("hashchange", () => void route());
void route();
