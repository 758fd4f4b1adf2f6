"""What a browser shows on the malformed list fixtures: the expected items' second source.

For every `tests/files/extract/malformed_*.html` this prints the dated links a reader sees,
found two independent ways, neither of which runs gkwatch:

* **Chromium** (headless, `/usr/bin/chromium` through Playwright) renders the page with its
  scripts on; every visible `<a href>` is kept with its text and the date (YYYY-MM-DD) printed on
  the same screen line (text boxes whose vertical extents overlap the link's). Layout only: it
  does not look at how the DOM nests. A date drawn inside a link is that link's; any other date
  goes to the nearest link on its line (a sidebar link level with a row does not take its date).
* **Chromium's DOM** (`chromium --headless --dump-dom`): the DOM the browser built, serialized,
  read back the html5lib way below (for these pages the serialized DOM parses back to itself).
* **html5lib** (the WHATWG parsing algorithm in pure Python) builds the DOM; every `<a href>` is
  kept with its text (script and style left out; a link with no text is not drawn) and the date
  inside it, else the first date in its row (its nearest `li`/`tr`/`dd` ancestor), else the
  first date in the text after it up to the next link.

Only links with a date are printed (a list's rows; menus and footers have none). With
``--check`` the result is compared with ``EXPECTED`` in ``tests/test_extract_malformed.py`` and
the script exits 1 on any difference.

    .venv/bin/python benchmarks/parsers/browser_view.py [--check]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "files" / "extract"
DATE = re.compile(r"(20\d\d)-(\d\d)-(\d\d)")

# Runs in the page: visible links and the dates on their screen line.
SCRIPT = r"""() => {
  const DATE = /20\d\d-\d\d-\d\d/;
  const shown = el => [...el.getClientRects()].filter(r => r.width && r.height);
  const links = [...document.querySelectorAll('a[href]')].map(a => ({a, rects: shown(a), date: null, inside: false}))
    .filter(l => l.rects.length);                     // links not shown are left out
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const m = node.data.match(DATE);
    if (!m) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    const box = [...range.getClientRects()].find(r => r.width && r.height);
    if (!box) continue;                                // not shown
    // A date belongs to the link drawn around it, else to the nearest link on its screen line.
    let best = links.find(l => l.a.contains(node)), inside = !!best, gap = Infinity;
    if (!best) for (const l of links) for (const r of l.rects) {
      if (r.top >= box.bottom - 1 || r.bottom <= box.top + 1) continue;     // another line
      const d = Math.max(r.left - box.right, box.left - r.right, 0);
      if (d < gap) { gap = d; best = l; }
    }
    if (best && !best.date) { best.date = m[0]; best.inside = inside; }
  }
  return links.map(l => {
    let text = l.a.innerText.replace(/\s+/g, ' ').trim();
    if (l.date && l.inside) text = text.replace(l.date, '').trim();
    return {title: text, href: l.a.getAttribute('href'), date: l.date};
  });
}"""


def chromium_view(paths: list[Path]) -> dict[str, list]:
    from playwright.sync_api import sync_playwright

    views = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for path in paths:
            page.goto(path.as_uri())
            views[path.name] = page.evaluate(SCRIPT)
        browser.close()
    return views


def dumped_dom(path: Path) -> bytes:
    """The DOM Chromium built for the page, serialized (`--dump-dom`), as UTF-8."""
    out = subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          path.as_uri()], capture_output=True, timeout=120, check=True).stdout
    return b'<meta charset="utf-8">' + out


def html5lib_view(source: bytes) -> list:
    import html5lib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DataLossWarning: comments holding `--`, kept as they are
        root = html5lib.parse(source, treebuilder="lxml", namespaceHTMLElements=False).getroot()
    out = []
    for a in root.iter("a"):
        if a.get("href") is None or any(x.tag in ("head", "noscript") for x in a.iterancestors()):
            continue
        text = " ".join(_shown_text(a).split())
        if not text:
            continue  # nothing drawn (a reconstructed copy of an unclosed link around whitespace or a script)
        own = DATE.search(text)
        row = next((x for x in a.iterancestors() if x.tag in ("li", "tr", "dd")), None)
        if own:
            date, text = own.group(0), text.replace(own.group(0), "").strip()
        elif row is not None:
            found = DATE.search("".join(row.itertext()))
            date = found.group(0) if found else None
        else:
            date = _after(a)
        out.append({"title": text, "href": a.get("href"), "date": date})
    return out


def _shown_text(element) -> str:
    """The element's text without script and style contents."""
    parts = [element.text or ""] if element.tag not in ("script", "style") else []
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_shown_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _after(a):
    """The first date in the text after the link, up to the next link (siblings of the link)."""
    texts = [a.tail or ""]
    for sibling in a.itersiblings():
        if sibling.tag == "a" or (isinstance(sibling.tag, str) and sibling.find(".//a") is not None):
            break
        texts.append("".join(sibling.itertext()) if isinstance(sibling.tag, str) else "")
        texts.append(sibling.tail or "")
    found = DATE.search(" ".join(texts))
    return found.group(0) if found else None


def dated(links: list, url: str) -> list:
    return [(link["title"], urljoin(url, link["href"]), link["date"]) for link in links if link["date"]]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.test_extract_malformed import EXPECTED, URL

    paths = sorted(FIXTURES.glob("malformed_*.html"))
    shown = chromium_view(paths)
    failed = False
    for path in paths:
        browser, parsed = dated(shown[path.name], URL), dated(html5lib_view(path.read_bytes()), URL)
        dom = dated(html5lib_view(dumped_dom(path)), URL)
        expected = [tuple(item) for item in EXPECTED.get(path.name, [])]
        verdict = "ok" if browser == dom == parsed == expected else "DIFFERS"
        failed |= verdict != "ok"
        print(f"{path.name}: chromium {len(browser)}, chromium DOM {len(dom)}, html5lib {len(parsed)}, "
              f"expected {len(expected)}: {verdict}")
        if "--check" not in sys.argv or verdict != "ok":
            for name, view in (("chromium", browser), ("chromium DOM", dom), ("html5lib", parsed)):
                print(f"  {name}:")
                for item in view:
                    print("   ", json.dumps(item, ensure_ascii=False))
    return 1 if failed and "--check" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
