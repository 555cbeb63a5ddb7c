import { setToken } from "../api";
import { h, mount } from "../dom";

export function loginPage(): void {
  const input = h("input", { type: "password", id: "token", placeholder: "pref_…", autocomplete: "off", "aria-label": "Access token" });
  const form = h("form", { class: "card narrow" },
    h("h1", {}, "Sign in"),
    h("p", {}, "Paste the access token your admin gave you."),
    input,
    h("button", { type: "submit" }, "Continue"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    location.hash = "#/";
  });
  mount(form);
  input.focus();
}
