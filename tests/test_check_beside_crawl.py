"""`gkwatch check`, `alert` and `serve` while a real crawl of the sandbox writes to the same database:
every one of them finishes with its own exit code (never "database is locked"), and the crawl loses
nothing to them. No mocks: the sandbox's HTTP servers, a Scrapy crawl in its own processes, SQLite."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

from core import exit_codes
from sandbox import Sandbox, registry_entries

from .conftest import FAST_CRAWL, REFERENCE_DAY, ROOT, SLOW_SECONDS, crawl, import_registry, run_gkwatch
from .test_serve import serving

# Half the sandbox is crawled first (so the checks have findings to open, keep and resolve); the crawl
# that runs beside the checks then takes every agency, the other half for the first time, with a
# small delay between requests so that it writes for longer than the checks take.
FIRST = ["sb-huailing-gov", "sb-huailing-swj", "sb-xuanlin-swj", "sb-nanyu-wjmj", "sb-fengling-gov"]
BESIDE = ["--full", "-s", "DOWNLOAD_DELAY=0.1"]
CHECKS = 10


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(REFERENCE_DAY - dt.timedelta(days=20), port=0, slow_seconds=SLOW_SECONDS) as sb:
        yield sb


@pytest.fixture(scope="module")
def first_crawl(sandbox, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("first")
    db_path = tmp / "gkwatch.db"
    import_registry(tmp, registry_entries(sandbox.port), db_path)
    crawl(db_path, *[arg for agency in FIRST for arg in ("--agency", agency)])
    sandbox.set_as_of(REFERENCE_DAY)
    return db_path


@pytest.fixture
def crawled(first_crawl, tmp_path):
    """A copy of the half-crawled database for each test (SQLite's backup: a consistent copy)."""
    db_path = tmp_path / "gkwatch.db"
    source, target = sqlite3.connect(first_crawl), sqlite3.connect(db_path)
    source.backup(target)
    source.close()
    target.close()
    return db_path


class Crawl:
    """``gkwatch crawl`` in a subprocess; ``writing()`` while it runs and has started storing."""

    def __init__(self, db_path, tmp_path):
        self.db_path, self.log = db_path, (tmp_path / "crawl.log").open("w+")
        self.process = subprocess.Popen([sys.executable, "-m", "gkwatch", "crawl", "--db", str(db_path),
                                         *FAST_CRAWL, *BESIDE], cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self.run_id = None

    def writing(self) -> bool:
        return self.process.poll() is None

    def wait_until_storing(self) -> None:
        """Until the crawl's run is started and its first fetches are committed."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.writing():
            conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
            try:
                row = conn.execute("SELECT id, (SELECT count(*) FROM fetches f WHERE f.crawl_run_id = r.id) "
                                   "FROM crawl_runs r WHERE status = 'running' ORDER BY id DESC LIMIT 1").fetchone()
            finally:
                conn.close()
            if row and row[1] > 20:
                self.run_id = row[0]
                return
            time.sleep(0.2)
        pytest.fail("the crawl did not start storing:\n" + self.output())

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def finish(self) -> str:
        try:
            self.process.wait(timeout=600)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        return self.output()


def timed(*args, timeout=300):
    start = time.monotonic()
    result = run_gkwatch(*args, timeout=timeout)
    return result, round(time.monotonic() - start, 2)


def _lock_wait(result) -> float | None:
    try:
        return json.loads(result.stdout)["summary"]["timings"]["write_lock_wait"]
    except (ValueError, KeyError):
        return None


def assert_crawl_lost_nothing(db_path, beside: Crawl) -> None:
    output = beside.finish()
    assert beside.process.returncode == 0, output[-3000:]
    assert "Traceback" not in output and "写入失败" not in output and "locked" not in output, output[-3000:]
    conn = sqlite3.connect(db_path)
    status, stats = conn.execute("SELECT status, stats FROM crawl_runs WHERE id = ?", [beside.run_id]).fetchone()
    assert status == "finished"
    assert "gkwatch/store/error" not in json.loads(stats)
    # every sandbox agency has items now, the ones crawled for the first time beside the checks too
    assert conn.execute("SELECT count(DISTINCT agency_id) FROM items").fetchone()[0] >= 9
    conn.close()


def test_ten_checks_while_a_crawl_writes_all_succeed(crawled, tmp_path):
    before = run_gkwatch("check", "--db", crawled, "--as-of", REFERENCE_DAY, "--json")
    assert before.returncode in (exit_codes.OK, exit_codes.FINDINGS_OPEN, exit_codes.FINDINGS_NEW), before.stderr
    beside = Crawl(crawled, tmp_path)
    try:
        beside.wait_until_storing()
        runs = []
        for _ in range(CHECKS):
            during = beside.writing()
            result, seconds = timed("check", "--db", crawled, "--as-of", REFERENCE_DAY, "--json")
            runs.append((result, seconds, during and beside.writing()))
    except BaseException:
        beside.process.kill()
        raise
    report = [(r.returncode, s, w, _lock_wait(r), r.stderr.strip()[-300:]) for r, s, w in runs]
    print("check beside a crawl (exit code, seconds, the crawl wrote throughout, waited for the write lock, "
          "stderr):", *report, sep="\n  ")
    for result, _, _ in runs:
        assert result.returncode in (exit_codes.OK, exit_codes.FINDINGS_OPEN, exit_codes.FINDINGS_NEW), result.stderr
        assert "locked" not in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert json.loads(result.stdout)["summary"]["check_run_id"]
    assert all(during for _, _, during in runs), f"the crawl ended before the checks did: {report}"
    assert_crawl_lost_nothing(crawled, beside)
    conn = sqlite3.connect(crawled)
    # each run recorded once, whole: finished, with its scorecards
    rows = conn.execute("SELECT id, finished_at, (SELECT count(*) FROM scorecards s WHERE s.check_run_id = c.id) "
                        "FROM check_runs c ORDER BY id").fetchall()
    assert len(rows) == CHECKS + 1 and all(finished for _, finished, _ in rows)
    assert all(cards for _, _, cards in rows)
    # one finding per (agency, check, subject), however many runs opened or kept it
    assert conn.execute("SELECT count(*) FROM (SELECT 1 FROM findings GROUP BY agency_id, check_name, subject "
                        "HAVING count(*) > 1)").fetchone()[0] == 0
    conn.close()
    # and once the crawl is over, a check sees what it stored
    after = run_gkwatch("check", "--db", crawled, "--as-of", REFERENCE_DAY, "--json")
    assert after.returncode in (exit_codes.OK, exit_codes.FINDINGS_OPEN, exit_codes.FINDINGS_NEW), after.stderr
    assert json.loads(after.stdout)["summary"]["observed"] >= 9


def test_alert_and_serve_while_a_crawl_writes(crawled, tmp_path, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    first = run_gkwatch("check", "--db", crawled, "--as-of", REFERENCE_DAY)
    assert first.returncode in (exit_codes.FINDINGS_OPEN, exit_codes.FINDINGS_NEW), first.stderr
    events = sqlite3.connect(crawled).execute("SELECT count(*) FROM finding_events").fetchone()[0]
    assert events > 0
    hook = f"json://127.0.0.1:{httpserver.port}/hook"
    beside = Crawl(crawled, tmp_path)
    try:
        beside.wait_until_storing()
        dry, dry_seconds = timed("alert", "--db", crawled, "--notify", hook, "--dry-run")
        assert beside.writing()
        check, _ = timed("check", "--db", crawled, "--as-of", REFERENCE_DAY)
        sent, sent_seconds = timed("alert", "--db", crawled, "--notify", hook, "--per-finding")
        assert beside.writing()
        with serving(crawled, tmp_path / "serve.log") as base:
            pages = []
            for path in ("/gkwatch/findings.json?_shape=array&_size=5", "/gkwatch/crawl_runs.json?_shape=array",
                         "/gkwatch/fetches.json?_shape=array&_size=5&_sort_desc=id"):
                with urllib.request.urlopen(base + path, timeout=60) as response:
                    pages.append((response.status, json.loads(response.read()), beside.writing()))
    except BaseException:
        beside.process.kill()
        raise
    print(f"alert --dry-run {dry.returncode} in {dry_seconds} s; alert {sent.returncode} in {sent_seconds} s")
    assert dry.returncode == exit_codes.OK, dry.stdout + dry.stderr
    assert "messages not sent" in dry.stdout
    assert check.returncode in (exit_codes.OK, exit_codes.FINDINGS_OPEN, exit_codes.FINDINGS_NEW), check.stderr
    assert sent.returncode == exit_codes.OK, sent.stdout + sent.stderr
    for result in (dry, check, sent):
        assert "locked" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    delivered = [r for r, _ in httpserver.log if r.path == "/hook"]
    assert len(delivered) >= events
    conn = sqlite3.connect(crawled)
    assert conn.execute("SELECT count(*) FROM alerts WHERE status = 'sent'").fetchone()[0] == len(delivered)
    conn.close()
    assert [status for status, _, _ in pages] == [200, 200, 200] and pages[1][1], pages
    print("serve answered while the crawl wrote:", [during for _, _, during in pages])
    assert_crawl_lost_nothing(crawled, beside)


def test_a_lock_never_obtained_is_exit_4_with_nothing_written(tmp_path, monkeypatch):
    """Another connection holds the write lock for the whole run: the check retries, then says so in one
    line and exits 4 (never 1 or 2, which would read as findings). The waits are shortened here (the
    real ones are 3 × 30 s); the lock is a real one, held by a second connection."""
    from click.testing import CliRunner

    import storage
    from gkwatch.cli import cli
    from monitors import run_checks

    from .checkdb import clean_site

    db_path = tmp_path / "gkwatch.db"
    db = storage.connect(db_path)
    clean_site(db).crawl()
    db.conn.commit()
    db.close()
    real_connect = storage.connect

    def impatient(path, **kwargs):
        found = real_connect(path, **kwargs)
        found.execute("PRAGMA busy_timeout = 200")
        return found

    monkeypatch.setattr(storage, "connect", impatient)
    monkeypatch.setattr(run_checks, "RETRY_PAUSE", 0.1)
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO check_runs (as_of, started_at, agencies) VALUES ('2000-01-01', 'x', '\"all\"')")
    try:
        result = CliRunner().invoke(cli, ["check", "--db", str(db_path), "--as-of", str(REFERENCE_DAY)])
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == exit_codes.FAILED, result.output
    assert result.stderr.strip() == (f"错误 (error): 数据库一直被其他进程占用, 等待后仍未能写入, 未写入任何内容 (database is "
                                     f"locked by another process past every wait; nothing written, run again later): "
                                     f"{db_path}")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM check_runs").fetchone()[0] == 0
    # the lock released, the same check runs
    assert run_gkwatch("check", "--db", db_path, "--as-of", REFERENCE_DAY).returncode in (0, 1, 2)
