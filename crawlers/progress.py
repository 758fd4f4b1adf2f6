"""What ``gkwatch crawl`` tells its operator while it runs, per agency: pages fetched, items listed,
errors, requests still queued; a line when an agency is done, and every few seconds a summary with
the agencies done and remaining and an estimate of the time left.

The counts are the crawl's own: pages and errors are the fetch log as the writer process stored it
(every request made for the agency; an error is one whose page was not read, whatever the reason),
items the listings the pipeline stored. Each site is crawled at its own polite pace (robots.txt,
per-site concurrency, download delay, AutoThrottle), so an agency's time left is its queued requests
at its own rate so far, and the crawl's is the longest of those. Only requests already queued are
known (a column's next pages and its documents are found as the crawl reads it), so the estimate is
a lower bound, shown with ≥.
"""

from __future__ import annotations

from dataclasses import dataclass

from .writer_process import COUNTS


@dataclass
class AgencyProgress:
    id: str
    name: str
    pages: int = 0
    errors: int = 0
    items: int = 0
    queued: int = 0                 # requests made and not yet answered (the spider's pending, less dropped)
    dropped: int = 0                # requests the scheduler refused as duplicates
    started: float | None = None    # time.monotonic() before its first fetch was stored
    done_at: float | None = None    # when it was last seen with nothing queued
    reported: tuple = ()            # the counts its last "done" line gave

    def eta(self, now: float) -> float | None:
        """Seconds until its queued requests are answered at its pace so far (None: no pace yet)."""
        if not self.queued:
            return 0.0
        if self.started is None or not self.pages or now <= self.started:
            return None
        return self.queued / (self.pages / (now - self.started))


def fetch_tally(db, run_id: int, after_id: int) -> tuple[dict, list[tuple[str, int, int]], int]:
    """On the writer process, after every write queued before it (a ``call``): the writer's counts,
    and per agency the run's fetches stored after fetch ``after_id`` (pages, not read), with the
    last fetch id."""
    rows = db.execute("""
        SELECT agency_id, COUNT(*), SUM(COALESCE(verdict, '') <> 'read'), MAX(id) FROM fetches
        WHERE id > ? AND crawl_run_id = ? AND agency_id IS NOT NULL GROUP BY agency_id""", [after_id, run_id]).fetchall()
    return dict(COUNTS), [row[:3] for row in rows], max([after_id] + [row[3] for row in rows])


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def counts_text(agency: AgencyProgress) -> str:
    return f"页面 pages {agency.pages} · 条目 items {agency.items} · 错误 errors {agency.errors}"


def done_line(agency: AgencyProgress, done: int, total: int, began: float) -> str:
    took = duration(agency.done_at - (agency.started or began)) if agency.done_at else "?"
    return f"[gkwatch] 完成 done {done}/{total} · {agency.id} {agency.name}: {counts_text(agency)} · 用时 took {took}"


def summary_lines(agencies: list[AgencyProgress], totals: dict, now: float, shown: int = 5) -> list[str]:
    """The periodic summary, and the ``shown`` running agencies with the most time left."""
    running = [a for a in agencies if a.queued]
    done = sum(1 for a in agencies if a.done_at is not None and not a.queued)
    etas = [a.eta(now) for a in running]
    eta = "0m00s" if not running else (
        "?" if None in etas else f"≥ {duration(max(etas))}")
    lines = [f"[gkwatch] 机构 agencies 完成 done {done}/{len(agencies)} · 进行中 running {len(running)} · "
             f"未开始 waiting {len(agencies) - done - len(running)} · 页面 pages {totals['pages']} · "
             f"条目 items {totals['items_seen']} (新 new {totals['items_new']}) · 错误 errors {totals['errors']} · "
             f"预计剩余 ETA {eta}"]
    slowest = sorted(running, key=lambda a: -(a.eta(now) if a.eta(now) is not None else float("inf")))[:shown]
    lines += [f"[gkwatch]   进行中 running {a.id} {a.name}: {counts_text(a)} · 待抓 queued {a.queued} · "
              f"预计 ETA ≥ {duration(a.eta(now))}" for a in slowest]
    return lines
