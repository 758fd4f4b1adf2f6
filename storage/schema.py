"""Every table, index, view and full-text index of a gkwatch database, and their migrations.

No other module writes DDL. The schema is versioned with ``PRAGMA user_version``: each entry of
``MIGRATIONS`` takes a database from version N-1 to N in place, so an older database is upgraded,
never dropped.
"""

from __future__ import annotations

from typing import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]

# Items whose title may name an annual report: a coarse, indexable filter (``items_report_titles``).
# What is a report title is ``extract.is_report_title``; a query that wants the index repeats this
# condition by using this constant, word for word.
REPORT_TITLE_SQL = "(instr(title, '年报') OR instr(title, '年度报告') OR instr(title, '工作报告')) AND instr(title, '公开')"


def _v1_core(db: sqlite_utils.Database) -> None:
    """Agencies, their columns and items, crawl runs and fetches, findings and scorecards."""
    db["agencies"].create(
        {
            "id": str, "name": str, "level": str, "kind": str, "region_code": str,
            "homepage": str, "portal": str, "parent_id": str, "render_js": int,
            "obey_robots": int, "robots_reason": str, "monthly_quota": int,
            "requires_internet": int, "source_file": str, "imported_at": str, "updated_at": str,
        },
        pk="id", not_null={"name", "level", "kind", "homepage"},
    )
    db["crawl_runs"].create(
        {
            "id": int, "started_at": str, "finished_at": str, "status": str, "agencies": str,
            "full": int, "pages": int, "items_new": int, "items_seen": int, "errors": int,
            "stats": str,
        },
        pk="id",
    )
    db["columns"].create(
        {
            "id": int, "agency_id": str, "type": str, "name": str, "url": str, "parent_id": int,
            "js": str, "explicit": int, "discovered_at": str, "last_seen": str,
        },
        pk="id", not_null={"agency_id", "type", "url"},
        foreign_keys=[("agency_id", "agencies", "id"), ("parent_id", "columns", "id")],
    )
    db["columns"].create_index(["agency_id", "url"], unique=True)
    db["items"].create(
        {
            "id": int, "agency_id": str, "column_id": int, "url": str, "title": str,
            "published": str, "published_time": str, "source": str, "publisher": str,
            "index_no": str, "doc_no": str, "content_hash": str, "first_seen": str,
            "last_seen": str, "missing_since": str, "removed_at": str, "detail_fetched_at": str,
        },
        pk="id", not_null={"agency_id", "url"},
        foreign_keys=[("agency_id", "agencies", "id"), ("column_id", "columns", "id")],
    )
    db["items"].create_index(["agency_id", "url"], unique=True)
    db["items"].create_index(["column_id", "published"])
    db["fetches"].create(
        {
            "id": int, "crawl_run_id": int, "agency_id": str, "url": str, "kind": str,
            "method": str, "status": int, "error": str, "elapsed_ms": int, "bytes": int,
            "fetched_at": str,
        },
        pk="id", not_null={"url", "fetched_at"},
        foreign_keys=[("crawl_run_id", "crawl_runs", "id"), ("agency_id", "agencies", "id")],
    )
    db["fetches"].create_index(["agency_id", "fetched_at"])
    db["fetches"].create_index(["url", "fetched_at"])
    db["check_runs"].create(
        {"id": int, "as_of": str, "started_at": str, "finished_at": str, "agencies": str},
        pk="id",
    )
    db["findings"].create(
        {
            "id": int, "agency_id": str, "check_name": str, "subject": str, "severity": str,
            "status": str, "message": str, "evidence": str, "rule": str, "citation": str,
            "observations": int, "first_seen": str, "last_seen": str, "resolved_at": str,
            "times_reopened": int,
        },
        pk="id", not_null={"agency_id", "check_name", "subject", "severity", "status"},
        foreign_keys=[("agency_id", "agencies", "id")],
        defaults={"observations": 0, "times_reopened": 0},
    )
    db["findings"].create_index(["agency_id", "check_name", "subject"], unique=True)
    db["findings"].create_index(["status", "severity"])
    db["scorecards"].create(
        {
            "id": int, "check_run_id": int, "agency_id": str, "as_of": str, "score": float,
            "grade": str, "vetoed": int, "deductions": str, "created_at": str,
        },
        pk="id", not_null={"agency_id", "as_of"},
        foreign_keys=[("check_run_id", "check_runs", "id"), ("agency_id", "agencies", "id")],
    )
    db["scorecards"].create_index(["agency_id", "as_of"])


def _v2_evidence(db: sqlite_utils.Database) -> None:
    """Item versions and attachments, links seen on pages, stored page bodies for conditional
    requests and evidence, and what incremental crawling needs."""
    db["item_versions"].create(
        {"id": int, "item_id": int, "content_hash": str, "text": str, "first_seen": str},
        pk="id", not_null={"item_id", "content_hash"},
        foreign_keys=[("item_id", "items", "id")],
    )
    db["item_versions"].create_index(["item_id", "content_hash"], unique=True)
    db["attachments"].create(
        {"id": int, "item_id": int, "title": str, "url": str},
        pk="id", not_null={"item_id", "url"}, foreign_keys=[("item_id", "items", "id")],
    )
    db["attachments"].create_index(["item_id", "url"], unique=True)
    db["links"].create(
        {
            "id": int, "agency_id": str, "page_url": str, "url": str, "text": str,
            "first_seen": str, "last_seen": str,
        },
        pk="id", not_null={"agency_id", "page_url", "url"},
        foreign_keys=[("agency_id", "agencies", "id")],
    )
    db["links"].create_index(["agency_id", "page_url", "url"], unique=True)
    db["links"].create_index(["url"])
    db["pages"].create(
        {
            "url": str, "agency_id": str, "kind": str, "etag": str, "last_modified": str,
            "content_hash": str, "encoding": str, "warc_path": str, "latest_item_date": str,
            "fetched_at": str, "changed_at": str,
        },
        pk="url", foreign_keys=[("agency_id", "agencies", "id")],
    )
    db["fetches"].create_index(["kind", "status"])
    # Incremental crawls stop paging at known items only in columns once walked to their end.
    db["columns"].add_column("walked_at", str)


def _v3_checks(db: sqlite_utils.Database) -> None:
    """Small partial indexes for `gkwatch check` at national scale: items the crawler found missing
    or that were confirmed removed, and items titled as annual reports (``REPORT_TITLE_SQL``)."""
    db.execute("CREATE INDEX items_missing ON items (column_id) WHERE missing_since IS NOT NULL")
    db.execute("CREATE INDEX items_removed ON items (column_id) WHERE removed_at IS NOT NULL")
    db.execute(f"CREATE INDEX items_report_titles ON items (agency_id) WHERE {REPORT_TITLE_SQL}")


def _v4_reports(db: sqlite_utils.Database) -> None:
    """Annual reports (政府信息公开工作年度报告): one row per report found, one row per table cell."""
    db["reports"].create(
        {
            "id": int, "agency_id": str, "item_id": int, "year": int, "title": str, "url": str,
            "published": str, "format": str, "media": str, "sections": str, "figures": str,
            "problems": str, "content_hash": str, "parsed_at": str,
        },
        pk="id", not_null={"agency_id", "url"},
        foreign_keys=[("agency_id", "agencies", "id"), ("item_id", "items", "id")],
    )
    db["reports"].create_index(["agency_id", "url"], unique=True)
    db["reports"].create_index(["agency_id", "year"])
    db["report_cells"].create(
        {"id": int, "report_id": int, "table_name": str, "row": str, "col": str, "value": float},
        pk="id", not_null={"report_id", "table_name", "row", "col"},
        foreign_keys=[("report_id", "reports", "id")],
    )
    db["report_cells"].create_index(["report_id", "table_name", "row", "col"], unique=True)
    # Wide views, one row per (report, table row), one column per standard column label.
    def wide(view: str, table: str, columns: dict[str, str]) -> None:
        picks = ", ".join(f"MAX(CASE WHEN c.col = '{label}' THEN c.value END) AS \"{name}\""
                          for name, label in columns.items())
        db.execute(f"CREATE VIEW {view} AS SELECT r.id AS report_id, r.agency_id, r.year, r.format, c.row, {picks} "
                   f"FROM report_cells c JOIN reports r ON r.id = c.report_id WHERE c.table_name = '{table}' "
                   f"GROUP BY c.report_id, c.row")
    org = "申请人情况/法人或其他组织/"
    wide("report_requests_wide", "requests", {
        "自然人": "申请人情况/自然人", "商业企业": org + "商业企业", "科研机构": org + "科研机构",
        "社会公益组织": org + "社会公益组织", "法律服务机构": org + "法律服务机构", "其他": org + "其他",
        "总计": "申请人情况/总计"})
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    groups = (("复议", "行政复议"), ("直诉", "行政诉讼/未经复议直接起诉"), ("复议后诉", "行政诉讼/复议后起诉"))
    wide("report_review_wide", "review_litigation",
         {f"{short}_{r}": f"{group}/{r}" for short, group in groups for r in results})
    wide("report_active_wide", "active", {name: name for name in (
        "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额（单位：万元）",
        "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "处理决定数量",
        "采购项目数量", "采购总金额")})


def _v5_alerts(db: sqlite_utils.Database) -> None:
    """Finding transitions (written by the findings lifecycle in the check's transaction) and the
    delivery of each to each subscriber's channel: what `gkwatch alert` sends, once."""
    db["finding_events"].create(
        {
            "id": int, "finding_id": int, "event": str, "severity": str, "as_of": str,
            "check_run_id": int, "created_at": str,
        },
        pk="id", not_null={"finding_id", "event", "severity", "as_of"},
        foreign_keys=[("finding_id", "findings", "id"), ("check_run_id", "check_runs", "id")],
    )
    db["finding_events"].create_index(["finding_id"])
    db["alerts"].create(
        {
            "id": int, "event_id": int, "subscriber": str, "channel": str, "status": str, "attempts": int,
            "last_error": str, "first_tried_at": str, "sent_at": str,
        },
        pk="id", not_null={"event_id", "subscriber", "channel", "status"},
        foreign_keys=[("event_id", "finding_events", "id")], defaults={"attempts": 0},
    )
    db["alerts"].create_index(["event_id", "subscriber", "channel"], unique=True)
    db["alerts"].create_index(["status"])


def _v6_search(db: sqlite_utils.Database) -> None:
    """Full-text search over items (``items_fts``, what Datasette's ``?_search=`` uses), tokenized one
    Chinese character per token by storage/search.py's ``cjk_char``, so 2-character words are found; kept
    in sync by triggers. Existing items are indexed here (a few minutes for 10 million)."""
    from .search import TOKENIZER, register

    register(db.conn)
    columns = ("title", "doc_no", "publisher", "source")
    names = ", ".join(columns)
    old = ", ".join(f"old.{c}" for c in columns)
    new = ", ".join(f"new.{c}" for c in columns)
    # content="items" double-quoted: Datasette's detect_fts looks for exactly that spelling.
    db.execute(f'CREATE VIRTUAL TABLE items_fts USING fts5({names}, content="items", content_rowid="id", '
               f"tokenize='{TOKENIZER}')")
    db.execute(f"CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN "
               f"INSERT INTO items_fts (rowid, {names}) VALUES (new.id, {new}); END")
    db.execute(f"CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN "
               f"INSERT INTO items_fts (items_fts, rowid, {names}) VALUES ('delete', old.id, {old}); END")
    # Only when an indexed value really changes: a recrawl sets every title again, mostly unchanged.
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in ("id", *columns))
    db.execute(f"CREATE TRIGGER items_fts_au AFTER UPDATE OF id, {names} ON items WHEN {changed} BEGIN "
               f"INSERT INTO items_fts (items_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO items_fts (rowid, {names}) VALUES (new.id, {new}); END")
    db.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")


_TOTALS_COLUMNS = "year, level, table_name, row, col, reports, value"
_TOTALS_OF_ALL_CELLS = (
    "SELECT r.year, ifnull(a.level, ''), c.table_name, c.row, c.col, count(*), total(c.value) "
    "FROM report_cells c JOIN reports r ON r.id = c.report_id JOIN agencies a ON a.id = r.agency_id "
    "WHERE r.year IS NOT NULL GROUP BY 1, 2, 3, 4, 5"
)


def _v7_serving(db: sqlite_utils.Database) -> None:
    """What Datasette's pages and the dashboards need at national scale (benchmarks/serve): indexes for
    the table pages' sort orders and facets, and ``report_totals``, every annual-report cell summed
    by year and level, kept in step with ``report_cells`` by triggers (the 年报 dashboard's charts
    would otherwise sum millions of cells on every view)."""
    db.execute("CREATE INDEX items_published ON items (published)")
    db.execute("CREATE INDEX columns_type ON columns (type)")
    db.execute("CREATE INDEX columns_js ON columns (js)")
    db.execute("CREATE INDEX fetches_status ON fetches (status)")
    db.execute("CREATE INDEX reports_year_published ON reports (year, published)")
    db.execute("CREATE TABLE report_totals (year INTEGER NOT NULL, level TEXT NOT NULL, table_name TEXT NOT NULL, "
               "row TEXT NOT NULL, col TEXT NOT NULL, reports INTEGER NOT NULL, value REAL NOT NULL, "
               "PRIMARY KEY (table_name, col, row, year, level))")
    db.execute(
        "CREATE TRIGGER report_totals_ai AFTER INSERT ON report_cells BEGIN "
        f"INSERT INTO report_totals ({_TOTALS_COLUMNS}) "
        "SELECT r.year, ifnull(a.level, ''), new.table_name, new.row, new.col, 1, ifnull(new.value, 0) "
        "FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE r.id = new.report_id AND r.year IS NOT NULL "
        "ON CONFLICT (table_name, col, row, year, level) DO UPDATE SET reports = reports + 1, "
        "value = value + excluded.value; END")
    db.execute(
        "CREATE TRIGGER report_totals_ad AFTER DELETE ON report_cells BEGIN "
        "UPDATE report_totals SET reports = reports - 1, value = value - ifnull(old.value, 0) "
        "WHERE (table_name, col, row, year, level) = (SELECT old.table_name, old.col, old.row, r.year, "
        "ifnull(a.level, '') FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE r.id = old.report_id); "
        "DELETE FROM report_totals WHERE table_name = old.table_name AND col = old.col AND row = old.row "
        "AND reports = 0; END")
    # An agency moved to another level (a registry edit) is rare: recount everything then.
    db.execute(
        "CREATE TRIGGER report_totals_level AFTER UPDATE OF level ON agencies WHEN old.level IS NOT new.level "
        f"BEGIN DELETE FROM report_totals; INSERT INTO report_totals ({_TOTALS_COLUMNS}) {_TOTALS_OF_ALL_CELLS}; END")
    db.execute(f"INSERT INTO report_totals ({_TOTALS_COLUMNS}) {_TOTALS_OF_ALL_CELLS}")


def _v8_report_judgements(db: sqlite_utils.Database) -> None:
    """What the checks last found in each report's tables (``problems``: a JSON list), for which cells
    (the report's ``content_hash``) and by which judge (``judged_with``:
    ``monitors.checks.report_judge.JUDGE_VERSION``). `gkwatch check` judges a report again only when its
    cells or the judge changed: judging all 13.8 M cells of 138,506 reports took 63 s a run."""
    db.execute("CREATE TABLE report_judgements (report_id INTEGER PRIMARY KEY REFERENCES reports (id), "
               "content_hash TEXT, judged_with TEXT NOT NULL, problems TEXT NOT NULL)")


def _v9_reading(db: sqlite_utils.Database) -> None:
    """What each fetch came to (``fetches.verdict``: ``core.vocabulary.VERDICTS``), since a finding may
    rest only on pages that were read; older fetches get the verdict their status or error implies;
    ``fetches.redirected_from``: the URL a redirect chain started from, so that a link is judged by
    where it led.
    And ``listings``: every column an item is listed in, with its own first and last seen, so that a
    column is judged by what it shows (one document in 政策文件 and 通知公告 counts for both)."""
    db["fetches"].add_column("verdict", str)
    db["fetches"].add_column("redirected_from", str)   # the URL asked for, when this answer ends a redirect
    db.execute("""
        UPDATE fetches SET verdict = CASE
            WHEN error LIKE 'robots.txt%' THEN 'robots'
            WHEN error LIKE '%imeout%' OR error LIKE '%timed out%' THEN 'timeout'
            WHEN error IS NOT NULL THEN 'unreachable'
            WHEN status IN (412, 521) THEN 'blocked'
            WHEN status IN (404, 410) THEN 'not_found'
            WHEN status BETWEEN 200 AND 399 THEN 'read'
            ELSE 'server_error' END""")
    db.execute("CREATE TABLE listings (column_id INTEGER NOT NULL REFERENCES columns (id) ON DELETE CASCADE, "
               "item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE, first_seen TEXT, last_seen TEXT, "
               "PRIMARY KEY (column_id, item_id)) WITHOUT ROWID")
    db.execute("CREATE INDEX listings_item ON listings (item_id)")
    db.execute("INSERT INTO listings SELECT column_id, id, first_seen, last_seen FROM items WHERE column_id IS NOT NULL")


def _v10_probes(db: sqlite_utils.Database) -> None:
    """``probes``: light probes of each agency's home page (`gkwatch probe`, crawlers/probe.py), what
    国办秘函〔2019〕19号's week of 20-a-day visits rests on: when, how (HEAD, or GET where HEAD is refused),
    the answer (status or error, elapsed ms, the timeout the probe applied) and its verdict
    (``core.vocabulary.VERDICTS``). ``availability``: what the 站点无法访问 check made of an agency's
    probes as of a day: ``unreachable`` (a finding), ``reachable``, or ``insufficient`` (not enough
    observations for the rule: recorded, never a finding)."""
    db["probes"].create(
        {
            "id": int, "agency_id": str, "url": str, "probed_at": str, "method": str, "status": int,
            "error": str, "elapsed_ms": int, "timeout_ms": int, "verdict": str,
        },
        pk="id", not_null={"agency_id", "url", "probed_at", "verdict"},
        foreign_keys=[("agency_id", "agencies", "id")],
    )
    db["probes"].create_index(["agency_id", "probed_at"])
    db["probes"].create_index(["probed_at"])
    db["availability"].create(
        {
            "agency_id": str, "as_of": str, "status": str, "period_from": str, "period_to": str,
            "days_required": int, "days_observed": int, "probes": int, "failed": int, "failed_share": float,
            "excluded": int, "blocked": int, "checked_at": str,
        },
        pk=("agency_id", "as_of"), not_null={"status"}, foreign_keys=[("agency_id", "agencies", "id")],
    )
    # The crawls' home-page requests count as visits too: found by agency and time among all fetches.
    db.execute("CREATE INDEX fetches_home ON fetches (agency_id, fetched_at) WHERE kind = 'home'")


def _v11_crawl_health(db: sqlite_utils.Database) -> None:
    """The crawler's own trouble, for operators and apart from the agencies' findings: per crawl run
    and agency, what its fetches came to (``crawl_health``: read, blocked, gone, not read, robots,
    errors, whether the portal was read), and the operator messages sent about each run
    (``health_alerts``, once per run and channel, like ``alerts`` for findings)."""
    db.execute("CREATE INDEX fetches_run ON fetches (crawl_run_id, agency_id)")
    _create_crawl_health(db)
    db["health_alerts"].create(
        {"id": int, "crawl_run_id": int, "subscriber": str, "channel": str, "status": str, "attempts": int,
         "last_error": str, "first_tried_at": str, "sent_at": str},
        pk="id", not_null={"crawl_run_id", "subscriber", "channel", "status"},
        foreign_keys=[("crawl_run_id", "crawl_runs", "id")], defaults={"attempts": 0},
    )
    db["health_alerts"].create_index(["crawl_run_id", "subscriber", "channel"], unique=True)


def _create_crawl_health(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE VIEW crawl_health AS
        SELECT f.crawl_run_id AS crawl_run_id, f.agency_id AS agency_id, count(*) AS fetches,
               sum(f.verdict = 'read') AS read,
               sum(f.verdict = 'blocked') AS blocked,
               sum(f.verdict IN ('not_found', 'soft_404')) AS gone,
               sum(f.verdict IN ('maintenance', 'login', 'incomplete', 'unrecognised')) AS not_read,
               sum(f.verdict = 'robots') AS robots,
               sum(f.verdict IN ('server_error', 'unreachable', 'timeout', 'redirect_loop')) AS errors,
               max(f.kind = CASE WHEN a.portal = a.homepage THEN 'home' ELSE 'portal' END
                   AND f.verdict = 'read' AND NOT (f.status BETWEEN 300 AND 399 AND f.status != 304)) AS portal_read,
               round(1.0 * sum(f.verdict != 'read') / count(*), 3) AS trouble_share
        FROM fetches f JOIN agencies a ON a.id = f.agency_id
        WHERE f.kind != 'robots'
        GROUP BY f.crawl_run_id, f.agency_id""")


def _v12_unrecognised(db: sqlite_utils.Database) -> None:
    """Pages fetched but not recognised (``unrecognised``: a column page with no list that does not
    say it is empty) count as not read in ``crawl_health``."""
    db.execute("DROP VIEW crawl_health")
    _create_crawl_health(db)


def _v13_history(db: sqlite_utils.Database) -> None:
    """What only a crawler with history sees. ``captures``: every time a portal or column page was
    kept as evidence (its SHA-256 and WARC file; a page answered 304 is captured again with the body
    kept), so that a finding names the exact capture it was judged on, not only the latest.
    ``walks``: each walk of a column in a crawl run, and how far it reached (the oldest date it
    listed, or the column's last page), so that an item that appears later than it claims can be told
    from one the crawler had not reached yet. ``columns.first_run``/``last_run``/``previous_name``/``renamed_run``: when a column came, went, was renamed.
    ``messages``: what message boards (互动交流) show of each message: asked, answered, state.
    ``finding_screenshots``: Chromium's picture of the capture a page-level finding opened on.
    ``personal_data``: the resident ID and mobile numbers an
    item's page or attachment published, masked (个人信息泄露)."""
    db["captures"].create(
        {"id": int, "agency_id": str, "url": str, "kind": str, "crawl_run_id": int, "captured_at": str,
         "content_hash": str, "warc_path": str},
        pk="id", not_null={"url", "captured_at", "content_hash", "warc_path"},
    )
    db["captures"].create_index(["url", "captured_at"])
    db.execute("INSERT INTO captures (agency_id, url, kind, captured_at, content_hash, warc_path) "
               "SELECT agency_id, url, kind, fetched_at, content_hash, warc_path FROM pages WHERE warc_path IS NOT NULL")
    db["walks"].create(
        {"id": int, "column_id": int, "crawl_run_id": int, "walked_at": str, "items": int, "oldest": str,
         "complete": int},
        pk="id", not_null={"column_id", "walked_at", "complete"}, foreign_keys=[("column_id", "columns", "id")],
    )
    db["walks"].create_index(["column_id", "walked_at"])
    # The day a crawl run observed the sites (北京时间; a sandbox's days pass faster than the clock).
    db["crawl_runs"].add_column("as_of", str)
    db.execute("UPDATE crawl_runs SET as_of = substr(started_at, 1, 10)")
    # The crawl runs that first and last found a column, and a rename (same URL, another name): what
    # it was called before, and the run that saw the new name.
    for name, kind in (("first_run", int), ("last_run", int), ("previous_name", str), ("renamed_run", int)):
        db["columns"].add_column(name, kind)
    # Messages on the agencies' boards (互动交流): when asked, when answered, and the state the board shows.
    db["messages"].create(
        {"id": int, "agency_id": str, "column_id": int, "url": str, "title": str, "asked": str, "replied": str,
         "state": str, "first_seen": str, "last_seen": str},
        pk="id", not_null={"agency_id", "url", "state"}, foreign_keys=[("agency_id", "agencies", "id")],
    )
    db["messages"].create_index(["agency_id", "url"], unique=True)
    # A screenshot of the capture a page-level finding was judged on, drawn when it opened (monitors/screenshots.py).
    db["finding_screenshots"].create(
        {"finding_id": int, "capture_id": int, "path": str, "taken_at": str},
        pk=("finding_id", "capture_id"), foreign_keys=[("finding_id", "findings", "id")],
    )
    # Personal numbers an item page or its attachment published, masked: the full number is never stored.
    db["personal_data"].create(
        {"id": int, "item_id": int, "kind": str, "masked": str, "found_in": str, "first_seen": str},
        pk="id", not_null={"item_id", "kind", "masked", "found_in"}, foreign_keys=[("item_id", "items", "id")],
    )
    db["personal_data"].create_index(["item_id", "kind", "masked", "found_in"], unique=True)


MIGRATIONS: list[Migration] = [_v1_core, _v2_evidence, _v3_checks, _v4_reports, _v5_alerts, _v6_search,
                               _v7_serving, _v8_report_judgements, _v9_reading,
                               _v10_probes, _v11_crawl_health, _v12_unrecognised, _v13_history]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, target: int = SCHEMA_VERSION) -> int:
    """Bring ``db`` up to ``target`` in place; each step commits with its version number."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"数据库版本 {current} 比本程序 ({SCHEMA_VERSION}) 新: 请升级 gkwatch "
            f"(database schema {current} is newer than this gkwatch supports)"
        )
    for version in range(current + 1, target + 1):
        with db.conn:
            MIGRATIONS[version - 1](db)
            db.execute(f"PRAGMA user_version = {version}")
    return schema_version(db)
