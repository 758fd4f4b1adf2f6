"""Which parser reads broken government pages as a browser does, and at what cost.

Prints three tables (figures and the choice: README.md beside this file):

(a) items found on each `tests/files/extract/malformed_*.html` per parser, against what a
    browser shows (``EXPECTED`` of tests/test_extract_malformed.py: Chromium and html5lib);
(b) the eleven real pages of tests/files/real-pages: list items and detail facts per parser,
    against pages.json;
(c) speed: µs per page to parse (best of a few runs per page; median and mean over the real
    pages and the HTML fixtures of tests/files/extract).

With ``--mutations N``, also (d): N copies of the real list pages and list fixtures, each broken
once the way templates break (an end tag dropped once or in every row, a stray `</div>` or
`<div>`, two end tags swapped, the body cut), and how often each parser's items equal those of
the HTML5 parse.

Parsers: ``lxml`` (lxml.html, gkwatch before), ``soup`` (lxml.html.soupparser: BeautifulSoup's
html.parser repairs, if bs4 is installed), ``html5lib`` (pure Python, WHATWG; copied into lxml.html
elements), ``html5-parser`` (gumbo, C; only where it imports: it needs an lxml built against the
same libxml2, ``pip install --no-binary lxml lxml``), ``lexbor`` (selectolax, C, WHATWG; copied
into lxml.html elements) and ``gkwatch`` (extract.dom.parse_fresh: lxml, and Lexbor when lxml's
tree is damaged).

    .venv/bin/python benchmarks/parsers/run.py [--mutations 400] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402
from lxml import etree  # noqa: E402

import extract.dom as dom  # noqa: E402
from extract import decode_html, extract_detail, extract_list  # noqa: E402

FILES = ROOT / "tests" / "files"
REAL = FILES / "real-pages"
FACTS = json.loads((REAL / "pages.json").read_text(encoding="utf-8"))["pages"]


# --- the parsers, each text -> lxml.html document root ------------------------------------------

def p_lxml(text):
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def p_soup(text):
    from lxml.html import soupparser

    return soupparser.fromstring(text, features="html.parser")


def p_html5lib(text):
    import html5lib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document = html5lib.parse(text, treebuilder="lxml", namespaceHTMLElements=False).getroot()
    builder = etree.TreeBuilder(parser=lxml.html.html_parser)
    _copy_etree(document, builder)
    return builder.close()


def _copy_etree(element, builder):
    if element.tag is etree.Comment:
        builder.comment(element.text or "")
    elif isinstance(element.tag, str):
        tag = element.tag.rpartition("}")[2]
        builder.start(tag, {k: v for k, v in element.attrib.items() if "{" not in k})
        if element.text:
            builder.data(element.text)
        for child in element:
            _copy_etree(child, builder)
        builder.end(tag)
    if element.tail and element.getparent() is not None:
        builder.data(element.tail)


def p_html5_parser(text):
    import html5_parser

    return html5_parser.parse(text, treebuilder="lxml_html", namespace_elements=False)


def p_lexbor(text):
    return dom._html5_tree(dom._XML_DECLARATION.sub("", text))


_PARSE_FRESH = dom.parse_fresh  # through() swaps dom.parse_fresh: keep gkwatch's own


def p_gkwatch(text):
    return _PARSE_FRESH(text)


PARSERS = {"lxml": p_lxml, "soup": p_soup, "html5lib": p_html5lib, "html5-parser": p_html5_parser,
           "lexbor": p_lexbor, "gkwatch": p_gkwatch}


def usable() -> dict:
    """The parsers that run here; the others with the reason."""
    ok, why = {}, {}
    for name, parse in PARSERS.items():
        try:
            parse("<p>x</p>")
            ok[name] = parse
        except Exception as exc:  # not installed, or html5-parser's libxml2 check
            why[name] = f"{type(exc).__name__}: {str(exc)[:110]}"
    return ok, why


def through(parse, function, *args):
    """`function(*args)` with every page parsed by `parse`."""
    saved = dom.parse_fresh
    dom.parse_fresh = parse
    dom._TREES.clear()
    try:
        return function(*args)
    finally:
        dom.parse_fresh = saved
        dom._TREES.clear()


def triples(listing):
    return [(i.title, i.url, i.date.isoformat() if i.date else None) for i in listing.items]


# --- (a) malformed fixtures, (b) real pages -----------------------------------------------------

def malformed(parsers) -> None:
    from tests.test_extract_malformed import EXPECTED, URL

    print("(a) items found per malformed fixture (= : exactly the browser's items)\n")
    print(f"{'fixture':34s} {'browser':>7s} " + " ".join(f"{n:>12s}" for n in parsers))
    for name, expected in sorted(EXPECTED.items()):
        text = (FILES / "extract" / name).read_text(encoding="utf-8")
        cells = []
        for parse in parsers.values():
            got = through(parse, lambda: triples(extract_list(text, URL)))
            cells.append(f"{len(got)}{' =' if got == [tuple(e) for e in expected] else '  '}")
        print(f"{name:34s} {len(expected):7d} " + " ".join(f"{c:>12s}" for c in cells))
    print()


def real_pages(parsers) -> None:
    print("(b) real pages read as pages.json says (list items and page count; detail facts)\n")
    rows = {"list": [], "detail": []}
    for name, case in FACTS.items():
        if case["kind"] in rows:
            rows[case["kind"]].append((name, case))
    print(f"{'pages':34s} " + " ".join(f"{n:>12s}" for n in parsers))
    for kind, cases in rows.items():
        cells = []
        for parse in parsers.values():
            good = sum(_matches(parse, kind, name, case) for name, case in cases)
            cells.append(f"{good}/{len(cases)}")
        print(f"{kind + ' pages':34s} " + " ".join(f"{c:>12s}" for c in cells))
    print()


def _matches(parse, kind, name, case) -> bool:
    text = (REAL / name).read_text(encoding="utf-8")
    expect = case["expect"]
    if kind == "list":
        listing = through(parse, extract_list, text, case["url"])
        return listing.to_json()["items"] == expect["items"] and listing.total_pages == expect["total_pages"]
    detail = through(parse, extract_detail, text, case["url"]).to_json()
    facts = ("title", "source", "index_no", "doc_no", "attachments")
    return all(detail[f] == expect[f] for f in facts) and detail["published"][:10] == expect["published"]


# --- (c) speed ------------------------------------------------------------------------------------

def pages() -> list[tuple[str, str]]:
    paths = sorted(REAL.glob("*.html")) + sorted((FILES / "extract").glob("*.html"))
    return [(path.name, decode_html(path.read_bytes(), None)[0]) for path in paths]


def speed(parsers, corpus) -> None:
    print(f"(c) µs per page to parse, {len(corpus)} pages ({sum(len(t) for _, t in corpus) // len(corpus):,} "
          f"characters on average; the 11 real pages {_mean_chars(corpus, real=True):,})\n")
    print(f"{'parser':14s} {'median':>8s} {'mean':>8s} {'real pages':>11s} {'× lxml':>7s}")
    base = None
    for name, parse in parsers.items():
        times = {page: _best(parse, text) for page, text in corpus}
        real = [t for page, t in times.items() if (REAL / page).exists()]
        mean = statistics.mean(times.values())
        base = base or mean
        print(f"{name:14s} {statistics.median(times.values()):8.0f} {mean:8.0f} {statistics.mean(real):11.0f} "
              f"{mean / base:7.1f}")
    damaged = [page for page, text in corpus if _takes_html5(text)]
    print(f"\ngkwatch took the HTML5 parse on {len(damaged)} of {len(corpus)} pages: {', '.join(damaged)}\n")


def _takes_html5(text: str) -> bool:
    return dom._lxml_tree(dom._XML_DECLARATION.sub("", text))[1] or not dom._LXML_TOKENIZES_AS_HTML5


def _mean_chars(corpus, real: bool) -> int:
    sizes = [len(t) for page, t in corpus if (REAL / page).exists() == real]
    return sum(sizes) // len(sizes)


def _best(parse, text, budget: float = 0.05) -> float:
    parse(text)  # warm: imports, caches
    best, spent, runs = float("inf"), 0.0, 0
    while runs < 3 or (spent < budget and runs < 15):
        start = time.perf_counter()
        parse(text)
        took = time.perf_counter() - start
        best, spent, runs = min(best, took), spent + took, runs + 1
    return best * 1e6


# --- (d) mutated pages ----------------------------------------------------------------------------

_END = re.compile(r"</(a|li|div|td|tr|span|ul|table|font|b|p)\s*>", re.I)
_TAG = re.compile(r"<[^>]+>")


def mutate(text: str, rng: random.Random) -> str:
    kind = rng.choice(["drop", "drop", "drop_all", "stray_close", "stray_close", "stray_open", "swap", "cut"])
    if kind == "cut":
        return text[: rng.randrange(len(text) // 3, len(text))]
    if kind in ("drop", "drop_all", "swap"):
        ends = list(_END.finditer(text))
        if not ends:
            return text
        m = rng.choice(ends)
        if kind == "drop_all":  # a template that leaves out the same end tag in every row
            return text.replace(m.group(0), "")
        if kind == "drop":
            return text[: m.start()] + text[m.end():]
        after = _END.search(text, m.end())
        if not after or after.start() != m.end():
            return text
        return text[: m.start()] + after.group(0) + m.group(0) + text[after.end():]
    m = rng.choice(list(_TAG.finditer(text)))
    insert = "</div>" if kind == "stray_close" else '<div class="clear">'
    return text[: m.end()] + insert + text[m.end():]


def mutations(parsers, count: int, seed: int) -> None:
    corpus = [(REAL / name, case["url"]) for name, case in FACTS.items() if case["kind"] in ("list", "portal")]
    corpus += [(path, "http://www.example.gov.cn/zwgk/tzgg/index.html") for path in sorted((FILES / "extract").glob("*.html"))
               if "detail" not in path.name and "gb" not in path.name]
    texts = [(decode_html(path.read_bytes(), None)[0], url) for path, url in corpus]
    rng = random.Random(seed)
    names = [n for n in parsers if n != "lexbor"]
    agree = dict.fromkeys(names, 0)
    damaged = 0
    for _ in range(count):
        text, url = rng.choice(texts)
        broken = mutate(text, rng)
        html5 = through(p_lexbor, lambda: triples(extract_list(broken, url)))
        damaged += _takes_html5(broken)
        for name in names:
            agree[name] += through(parsers[name], lambda: triples(extract_list(broken, url))) == html5
    print(f"(d) {count} broken copies of {len(texts)} list pages (seed {seed}): items equal to the HTML5 (Lexbor) parse's\n")
    for name in names:
        print(f"{name:14s} {agree[name]:5d} / {count}  ({100 * agree[name] / count:.1f} %)")
    print(f"\ngkwatch found lxml's tree damaged (and took the HTML5 parse) on {damaged} of {count}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutations", type=int, default=0, help="broken page copies for table (d)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    parsers, missing = usable()
    print(f"lxml {lxml.__version__}, libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))}; Python {sys.version.split()[0]}")
    for name, why in missing.items():
        print(f"not run: {name} ({why})")
    print()
    malformed(parsers)
    real_pages(parsers)
    if not args.skip_speed:
        speed(parsers, pages())
    if args.mutations:
        mutations({n: p for n, p in parsers.items() if n in ("lxml", "soup", "html5-parser", "lexbor", "gkwatch")},
                  args.mutations, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
