"""A finding's page for people (``/<db>/findings/<id>``): what the row template
(``templates/_finding.html``) shows, built from the finding, its agency, its events and the
archived capture of its page. Pure: the plugin (``plugins/finding_page.py``) reads the rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from markupsafe import Markup

from . import labels

# The archived captures kept beside the database (crawlers/evidence.py): <ab>/<sha256>.warc.gz
CAPTURE_PATH = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}\.warc\.gz$")


@dataclass
class Step:
    """One step of a finding's history: when, what happened, at which severity."""
    day: str
    what: str
    severity: str = ""
    code: str = ""


@dataclass
class FindingPage:
    id: int
    headline: str
    check: str
    severity: str
    severity_code: str
    status: str
    status_code: str
    agency_id: str
    agency_name: str
    subject: str
    facts: list[tuple[str, Markup]]
    rule: str
    citation: str
    rule_source: str
    verification: str
    live_url: str | None
    captures: list[dict]
    screenshot: dict | None   # {"src", "taken_at"}: Chromium's picture of the capture, when the finding opened
    first_seen: str
    last_seen: str
    resolved_at: str | None
    times_reopened: int
    observations: int
    timeline: list[Step] = field(default_factory=list)


def live_url(finding: dict, evidence: dict, agency: dict | None) -> str | None:
    """The page the finding is about: its own URL (a column, a link, the report found late), else the
    first page of its evidence, else the agency's portal (where a missing report should be)."""
    for url in (finding["subject"], *(evidence.get("urls") or [])):
        if labels._is_url(url):
            return url
    return (agency or {}).get("portal") or (agency or {}).get("homepage")


def timeline(finding: dict, events: list[dict]) -> list[Step]:
    """The finding's events in order (新问题, 严重程度上升, 重新出现, 已解决), and its last confirmation
    while it is open."""
    steps = [Step(e["as_of"], labels.label("event", e["event"]), labels.label("severity", e["severity"]), e["event"])
             for e in events]
    if finding["status"] == "open" and finding["last_seen"] and (not steps or finding["last_seen"] > steps[-1].day):
        steps.append(Step(finding["last_seen"], "最近一次确认", labels.label("severity", finding["severity"]),
                          "confirmed"))
    return steps


def pages_of(finding: dict) -> list[str]:
    """The pages a finding was judged on, most telling first: its subject, its evidence's pages."""
    evidence = json.loads(finding["evidence"] or "{}")
    urls = [finding["subject"], *(evidence.get("urls") or []), *(evidence.get("on_pages") or [])]
    return [u for u in dict.fromkeys(urls) if labels._is_url(u)]


def capture_ids(finding: dict) -> list[int]:
    """The captures the finding's evidence names (monitors/checks/base.attach_captures)."""
    evidence = json.loads(finding["evidence"] or "{}")
    return [c["capture_id"] for c in evidence.get("captures") or [] if isinstance(c.get("capture_id"), int)]


def capture_links(database: str, finding: dict, captures: dict[int, dict], pages: dict[str, dict]) -> list[dict]:
    """The archived copies the finding was judged on: each to open (replayed by pywb through
    ``/-/archive/<db>/<id>``) and to download (its WARC file, named by its SHA-256). ``captures``: rows
    of ``captures`` by id; a finding from before captures were kept links the page's latest copy
    (``pages``: rows of ``pages`` by URL)."""
    links = [{"url": c["url"], "open": f"/-/archive/{database}/{c['id']}", "captured_at": c["captured_at"],
              "download": f"/-/evidence/{database}/{c['warc_path']}", "sha256": c["content_hash"]}
             for c in (captures.get(i) for i in capture_ids(finding)) if c and CAPTURE_PATH.match(c["warc_path"])]
    if links:
        return links
    for url in pages_of(finding):
        page = pages.get(url) or {}
        if page.get("warc_path") and CAPTURE_PATH.match(page["warc_path"]):
            return [{"url": url, "open": None, "download": f"/-/evidence/{database}/{page['warc_path']}",
                     "captured_at": page.get("fetched_at") or "", "sha256": page["warc_path"].split("/")[1].split(".")[0]}]
    return []


def finding_page(database: str, finding: dict, agency: dict | None, events: list[dict],
                 pages: dict[str, dict], captures: dict[int, dict] | None = None,
                 screenshot: dict | None = None) -> FindingPage:
    evidence = json.loads(finding["evidence"] or "{}")
    return FindingPage(
        id=finding["id"], headline=finding["message"] or labels.label("check", finding["check_name"]),
        check=labels.label("check", finding["check_name"]),
        severity=labels.label("severity", finding["severity"]), severity_code=finding["severity"],
        status=labels.label("status", finding["status"]), status_code=finding["status"],
        agency_id=finding["agency_id"], agency_name=(agency or {}).get("name") or finding["agency_id"],
        subject=labels.subject_label(finding["check_name"], finding["subject"], evidence),
        facts=labels.evidence_fields({**evidence, "urls": [u for u in evidence.get("urls") or [] if u != finding["subject"]]},
                                     rule=False),
        rule=finding["rule"] or evidence.get("rule") or "", citation=finding["citation"] or evidence.get("citation") or "",
        rule_source=evidence.get("rule_source") or "",
        verification=labels.label("verification", evidence.get("verification")) or "",
        live_url=live_url(finding, evidence, agency), captures=capture_links(database, finding, captures or {}, pages),
        screenshot={"src": f"/-/screenshot/{database}/{finding['id']}", "taken_at": screenshot["taken_at"]}
        if screenshot else None,
        first_seen=finding["first_seen"], last_seen=finding["last_seen"], resolved_at=finding["resolved_at"],
        times_reopened=finding["times_reopened"] or 0, observations=finding["observations"] or 0,
        timeline=timeline(finding, events))
