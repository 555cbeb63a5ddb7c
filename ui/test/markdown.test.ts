// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../src/markdown";

/** The rendered HTML as the DOM the page would build from it. */
function render(text: string): HTMLElement {
  const div = document.createElement("div");
  div.innerHTML = renderMarkdown(text);
  return div;
}

describe("renderMarkdown", () => {
  it("renders markdown emphasis, lists and code", () => {
    const out = render("The capital is **Paris**.\n\n- one\n- two\n\n`x < y`");
    expect(out.querySelector("strong")?.textContent).toBe("Paris");
    expect(out.querySelectorAll("li")).toHaveLength(2);
    expect(out.querySelector("code")?.textContent).toBe("x < y");
  });

  it("shows raw HTML in model output as the literal text the model wrote", () => {
    const out = render('Use <button onclick="x()">OK</button> then <input value="1">.\n\n<div class="box">\nhello\n</div>');
    expect(out.querySelector("button, input, div")).toBeNull();
    expect(out.textContent).toContain('<button onclick="x()">OK</button>');
    expect(out.textContent).toContain('<input value="1">');
    expect(out.textContent).toContain('<div class="box">');
    expect(out.textContent).toContain("hello");
  });

  it("never emits script, handlers or style, and keeps the script's text visible", () => {
    const out = render("<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)></svg><style>*{}</style>");
    expect(out.querySelector("script, img, svg, style")).toBeNull();
    expect(out.querySelectorAll("[onerror], [onload], [onclick], [style]")).toHaveLength(0);
    expect(out.textContent).toContain("<script>alert(1)</script>");
  });

  it("does not load a markdown image: it shows the markdown that would have loaded it", () => {
    const out = render("Look: ![a cat](https://tracker.example/pixel.png?who=annotator)");
    expect(out.querySelector("img")).toBeNull();
    expect(out.innerHTML).not.toMatch(/<img/i);
    expect(out.textContent).toContain("![a cat](https://tracker.example/pixel.png?who=annotator)");
  });

  it("drops javascript: links but keeps ordinary ones", () => {
    const out = render("[bad](javascript:alert(1)) and [good](https://example.org/a)");
    const hrefs = [...out.querySelectorAll("a")].map((a) => a.getAttribute("href"));
    expect(hrefs).not.toContain("javascript:alert(1)");
    expect(hrefs).toContain("https://example.org/a");
  });
});
