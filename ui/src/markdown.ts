import DOMPurify from "dompurify";
import { Marked, type Tokens } from "marked";

// Completions are untrusted model output, and annotators must rank what the model wrote. So markdown is rendered,
// but raw HTML is shown as the literal text it is (rendered, it would vanish or turn into widgets), and so are
// images: loading one would fetch a remote URL from the annotator's browser (a tracking pixel), so the page shows
// the markdown the model wrote instead. The sanitiser then allows only the tags markdown itself produces, so no
// script, handler or javascript: URL can run even if the renderer let something through; the server's
// Content-Security-Policy (img-src 'self' data:, no inline script) is the last line behind both.

const markdown = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html({ text, block }: Tokens.HTML | Tokens.Tag): string {
      return block ? `<p class="raw-html">${escapeHtml(text.trimEnd()).replace(/\n/g, "<br>")}</p>` : escapeHtml(text);
    },
    image({ raw }: Tokens.Image): string {
      return `<span class="raw-image">${escapeHtml(raw)}</span>`;
    },
  },
});

const ALLOWED_TAGS = [
  "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "span",
  "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
];
const ALLOWED_ATTR = ["href", "title", "align", "start", "class"];

export function renderMarkdown(text: string): string {
  const html = markdown.parse(text, { async: false }) as string;
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
