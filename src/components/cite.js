// "Cite this page": BibTeX and APA for the page, each with a Copy button, then the
// page's references with links. Every page ends with
//   ## Cite this page
//   ```js
//   CiteThisPage({title: "The math", path: "/math", references: [lora, rslora]})
//   ```
import {html} from "htl";
import {pageUrl, site} from "./site.js";

const iso = (date) => date.toISOString().slice(0, 10);

/** BibTeX and APA text for a page, and its references as a linked list. */
export function CiteThisPage({title, path, references = [], accessed = new Date()} = {}) {
  const url = pageUrl(path);
  const year = site.released.slice(0, 4);
  const key = `lora-explained-${path.replace(/[^a-z0-9]+/gi, "") || "index"}`;
  const bibtex = `@misc{${key},
  author       = {{${site.authors}}},
  title        = {${title}},
  howpublished = {${site.name}, version ${site.version}},
  year         = {${year}},
  url          = {${url}},
  urldate      = {${iso(accessed)}}
}`;
  const day = accessed.toLocaleDateString("en-US", {year: "numeric", month: "long", day: "numeric", timeZone: "UTC"});
  const apa = `${site.authors}. (${year}). ${title} (Version ${site.version}). ${site.name}. Retrieved ${day}, from ${url}`;
  return html`<div class="cite">
    <p>Version ${site.version}, accessed ${iso(accessed)}.</p>
    ${block("BibTeX", bibtex, "bibtex")}
    ${block("APA", apa, "apa")}
    ${references.length ? html`<h3 class="cite-references-title">References</h3><ol class="cite-references">${references.map(reference)}</ol>` : ""}
  </div>`;
}

function block(label, text, kind) {
  const pre = html`<pre class="cite-${kind}" tabindex="0" aria-label="${label} citation">${text}</pre>`;
  const status = html`<span class="cite-status" role="status"></span>`;
  const button = html`<button type="button" class="cite-copy">Copy ${label}</button>`;
  button.onclick = async () => {
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Copied.";
    } catch {
      // No clipboard (insecure origin, denied permission): select the text for Ctrl/⌘-C.
      const selection = getSelection();
      const range = document.createRange();
      range.selectNodeContents(pre);
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = "Selected: press Ctrl-C (⌘-C) to copy.";
    }
  };
  return html`<figure class="cite-block"><figcaption>${label} ${button} ${status}</figcaption>${pre}</figure>`;
}

function reference({authors, year, title, venue, url, id}) {
  const link = url ?? (id?.startsWith("arXiv:") ? `https://arxiv.org/abs/${id.slice(6)}` : undefined);
  return html`<li>${authors} (${year}). ${link ? html`<a href=${link}>${title}</a>` : title}.${venue ? html` <i>${venue}</i>.` : ""}${id ? ` ${id}.` : ""}</li>`;
}
