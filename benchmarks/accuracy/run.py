"""Extraction accuracy on the real corpus: every extractor over every page of
``tests/files/real-pages`` against the values people wrote in ``pages.json`` by reading the pages.

Per page and in total:
- lists: items precision / recall / F1 (an item counts when its title, URL and date are all exact)
  and the page count (``total_pages``) right;
- details: each field right (title, published date, source, publisher, index_no, doc_no,
  attachments as name + URL);
- reports: year, published date and format right, and each expected cell exact (blank = null);
- portals: column discovery precision / recall / F1 on (name, URL), canonical types right, parents
  right, and the four standard sub-columns (指南, 制度, 法定主动公开内容, 年报) typed right.

    .venv/bin/python benchmarks/accuracy/run.py [--json] [--page NAME]

``--json`` prints one object: the totals and the corpus counts (``pages``, ``agencies``,
``provinces``, ``families``, ``levels``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extract import decode_html, extract_detail, extract_list, parse_report  # noqa: E402
from extract.discovery import page_columns  # noqa: E402

CORPUS = ROOT / "tests" / "files" / "real-pages"
DETAIL_FIELDS = ("title", "published", "source", "publisher", "index_no", "doc_no", "attachments")
STANDARD_TYPES = ("guide", "system", "statutory", "annual_report")
STAND_IN = "http://page.invalid/p1/p2/p3/"


def corpus() -> dict[str, dict]:
    """The pages and what people read on them, by file name."""
    return json.loads((CORPUS / "pages.json").read_text(encoding="utf-8"))["pages"]


def html_of(name: str) -> str:
    return decode_html((CORPUS / name).read_bytes(), None)[0]


def f1(tp: int, predicted: int, expected: int) -> tuple[float, float, float]:
    precision = tp / predicted if predicted else 1.0 if not expected else 0.0
    recall = tp / expected if expected else 1.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def score_list(name: str, page: dict) -> dict:
    result = extract_list(html_of(name), page["url"])
    got = Counter((i.title, i.url, i.date.isoformat() if i.date else None) for i in result.items)
    want = Counter((i["title"], i["url"], i["date"]) for i in page["expect"]["items"])
    tp = sum((got & want).values())
    return {"tp": tp, "predicted": sum(got.values()), "expected": sum(want.values()),
            "total_pages_right": result.total_pages == page["expect"]["total_pages"],
            "missed": sorted(want - got)[:3], "extra": sorted(got - want)[:3]}


def detail_values(detail: dict) -> dict:
    return {**detail, "published": (detail.get("published") or "")[:10] or None,
            "attachments": [{"name": a["title"], "url": a["url"]} for a in detail.get("attachments") or []]}


def score_detail(name: str, page: dict) -> dict:
    got = detail_values(extract_detail(html_of(name), page["url"]).to_json())
    expect = page["expect"]
    return {"fields": {f: got.get(f) == expect[f] for f in DETAIL_FIELDS if f in expect},
            "wrong": {f: got.get(f) for f in DETAIL_FIELDS if f in expect and got.get(f) != expect[f]}}


def score_report(name: str, page: dict) -> dict:
    report = parse_report((CORPUS / name).read_bytes(), page["url"]).to_json()
    expect = page["expect"]
    facts = {f: report.get(f) == expect[f] for f in ("year", "published", "format") if f in expect}
    cells, wrong = 0, []
    for table, rows, cols, value in expect.get("cells", []):
        hits = [c["value"] for c in report["tables"].get(table, [])
                if all(r in c["row"] for r in rows) and all(k in c["col"] for k in cols)]
        if hits == [value]:
            cells += 1
        else:
            wrong.append([table, rows, cols, value, hits[:3]])
    return {"facts": facts, "cells": cells, "cells_expected": len(expect.get("cells", [])),
            "wrong_facts": {f: report.get(f) for f, ok in facts.items() if not ok}, "wrong_cells": wrong[:3]}


def score_portal(name: str, page: dict) -> dict:
    base = page["url"] or STAND_IN   # a page whose address is unknown: its links as written, on a stand-in
    got = {(c["name"], c["url"]): c for c in page_columns(html_of(name), base)}
    want = {(c["name"], c["url"] or urljoin(base, c["href"])): c for c in page["expect"]["columns"]}
    matched = got.keys() & want.keys()
    standard = [k for k in want if want[k]["type"] in STANDARD_TYPES]
    return {"tp": len(matched), "predicted": len(got), "expected": len(want),
            "typed": sum(got[k]["type"] == want[k]["type"] for k in matched),
            "parents": sum(got[k]["parent"] == want[k]["parent"] for k in matched),
            "standard": len(standard), "standard_typed": sum(k in got and got[k]["type"] == want[k]["type"]
                                                              for k in standard),
            "missed": sorted(want.keys() - got.keys())[:3], "extra": sorted(got.keys() - want.keys())[:3]}


SCORERS = {"list": score_list, "detail": score_detail, "report": score_report, "portal": score_portal}


def totals(scores: dict[str, tuple[str, dict]]) -> dict:
    by_kind: dict[str, list[dict]] = {kind: [] for kind in SCORERS}
    for kind, score in scores.values():
        by_kind[kind].append(score)
    lists, details, reports, portals = (by_kind[k] for k in SCORERS)
    p, r, f = f1(*(sum(s[k] for s in lists) for k in ("tp", "predicted", "expected")))
    out = {"list_pages": len(lists), "list_precision": p, "list_recall": r, "list_f1": f,
           "list_total_pages_right": sum(s["total_pages_right"] for s in lists),
           "detail_pages": len(details)}
    for field in DETAIL_FIELDS:
        judged = [s["fields"][field] for s in details if field in s["fields"]]
        out[f"detail_{field}"] = sum(judged) / len(judged) if judged else None
    out["report_pages"] = len(reports)
    for fact in ("year", "published", "format"):
        judged = [s["facts"][fact] for s in reports if fact in s["facts"]]
        out[f"report_{fact}"] = sum(judged) / len(judged) if judged else None
    cells = sum(s["cells_expected"] for s in reports)
    out["report_cells"] = sum(s["cells"] for s in reports) / cells if cells else None
    p, r, f = f1(*(sum(s[k] for s in portals) for k in ("tp", "predicted", "expected")))
    matched = sum(s["tp"] for s in portals)
    standard = sum(s["standard"] for s in portals)
    out.update({"portal_pages": len(portals), "columns_precision": p, "columns_recall": r, "columns_f1": f,
                "columns_typed": sum(s["typed"] for s in portals) / matched if matched else None,
                "columns_parent": sum(s["parents"] for s in portals) / matched if matched else None,
                "standard_typed": sum(s["standard_typed"] for s in portals) / standard if standard else None})
    return out


def corpus_counts(pages: dict[str, dict]) -> dict:
    def distinct(key):
        return len({p.get(key) for p in pages.values() if p.get(key)})

    return {"pages": len(pages), "agencies": distinct("agency_name"), "provinces": len(
        {p.get("province") for p in pages.values() if p.get("province") and p["province"] != "中央"}),
        "families": distinct("family"), "levels": distinct("level"),
        "kinds": dict(Counter(p["kind"] for p in pages.values()))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object: totals and corpus counts")
    parser.add_argument("--page", help="only this page (file name)")
    args = parser.parse_args(argv)
    pages = corpus()
    chosen = {n: p for n, p in pages.items() if not args.page or n == args.page}
    scores = {name: (page["kind"], SCORERS[page["kind"]](name, page)) for name, page in sorted(chosen.items())}
    result = {**totals(scores), **corpus_counts(pages)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for name, (kind, score) in scores.items():
        print(f"{kind:7} {name}: {json.dumps(score, ensure_ascii=False, default=str)}")
    print()
    for key, value in result.items():
        print(f"{key:24} {round(value, 3) if isinstance(value, float) else value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
