"""A crawl with workers (scrapy-redis, a real Redis server on loopback) makes the same database a
single-process crawl makes: the same agencies, columns, items and findings; and a worker killed with
SIGKILL mid-crawl loses nothing and duplicates nothing (its sites are walked again by the other)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from sandbox import Sandbox, redis_server, registry_entries
from sandbox.redis_server import free_port

from .conftest import FAST_CRAWL, REFERENCE_DAY, ROOT, SLOW_SECONDS, crawl, import_registry, run_gkwatch


@pytest.fixture
def redis_url(tmp_path):
    server, url = redis_server.start(tmp_path)
    yield url
    server.terminate()
    server.wait()


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(REFERENCE_DAY, port=0, slow_seconds=SLOW_SECONDS) as sb:
        yield sb


@pytest.fixture(scope="module")
def single(sandbox, tmp_path_factory):
    """The whole sandbox crawled and checked by one process: what a crawl with workers must equal."""
    tmp = tmp_path_factory.mktemp("single")
    db_path = tmp / "gkwatch.db"
    import_registry(tmp, registry_entries(sandbox.port), db_path)
    crawl(db_path)
    checked(db_path)
    return contents(db_path)


def checked(db_path) -> None:
    result = run_gkwatch("check", "--db", db_path, "--as-of", REFERENCE_DAY, "--no-screenshots")
    assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr, result.stderr


def contents(db_path) -> dict[str, list]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return {
            "agencies": conn.execute("SELECT id, name FROM agencies ORDER BY id").fetchall(),
            "columns": conn.execute(
                "SELECT c.agency_id, c.url, c.name, c.type, p.url FROM columns c LEFT JOIN columns p "
                "ON p.id = c.parent_id ORDER BY 1, 2").fetchall(),
            "items": conn.execute(
                "SELECT agency_id, url, title, published, doc_no, content_hash, detail_fetched_at IS NULL FROM items "
                "ORDER BY 1, 2").fetchall(),
            "findings": conn.execute(
                "SELECT agency_id, check_name, subject, severity, status FROM findings ORDER BY 1, 2, 3").fetchall(),
        }


def duplicates(db_path) -> int:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) - count(DISTINCT agency_id || ' ' || url) FROM items").fetchone()[0]


def items_stored(db_path) -> int:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.fixture
def started():
    """Processes a test starts, killed when it ends, whether it passed or not."""
    processes: list[subprocess.Popen] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def worker(redis_url: str, name: str) -> subprocess.Popen:
    """A worker holding at most 5 of the 13 sites: both workers have some."""
    return subprocess.Popen([sys.executable, "-m", "gkwatch", "worker", "--redis", redis_url, "--name", name,
                             "--wait", "120", "--sites-at-once", "5"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_two_workers_make_the_database_one_process_makes(sandbox, single, tmp_path, redis_url):
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, registry_entries(sandbox.port), db_path)
    result = crawl(db_path, "--redis", redis_url, "--workers", "2")
    assert "站点 sites" in result.stderr, result.stderr   # the coordinator's progress
    checked(db_path)
    found = contents(db_path)
    assert len(found["items"]) == len(single["items"]) > 3000
    for table in ("agencies", "columns", "items", "findings"):
        assert found[table] == single[table], table
    assert duplicates(db_path) == 0
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        run = conn.execute("SELECT status, items_seen, pages FROM crawl_runs").fetchall()
        fetched_by = conn.execute("SELECT count(DISTINCT crawl_run_id) FROM fetches").fetchone()[0]
    assert run[0][0] == "finished" and len(run) == 1 and run[0][2] > 3000
    assert fetched_by == 1   # every worker's fetches belong to the one run
    status = run_gkwatch("crawl", "--status", "--redis", redis_url)
    assert status.returncode == 0
    assert "站点 sites: 完成 done 13/13 · 进行中 claimed 0 · 排队 waiting 0" in status.stdout, status.stdout


def test_a_worker_killed_mid_crawl_loses_nothing_and_duplicates_nothing(sandbox, single, tmp_path, redis_url, started):
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, registry_entries(sandbox.port), db_path)
    coordinator = subprocess.Popen([sys.executable, "-m", "gkwatch", "crawl", "--db", str(db_path), *FAST_CRAWL,
                                    "--redis", redis_url], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
    doomed, survivor = worker(redis_url, "doomed"), worker(redis_url, "survivor")
    started += [coordinator, doomed, survivor]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and items_stored(db_path) < 500:
        time.sleep(0.2)
    status = json.loads(subprocess.run(
        [sys.executable, "-c", "import json, sys; from crawlers.cluster import connect, status; "
                               "print(json.dumps(status(connect(sys.argv[1]))))", redis_url],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    held = {w["name"]: w["claimed"] for w in status["workers"]}
    assert held["doomed"] > 0, status   # killed while it holds sites not done
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    out, err = coordinator.communicate(timeout=400)
    survivor.wait(timeout=120)
    assert coordinator.returncode == 0, out + err
    assert "Traceback" not in err, err
    assert "已失联, 站点重新排队" in err   # the coordinator put the dead worker's sites back
    checked(db_path)
    found = contents(db_path)
    for table in ("agencies", "columns", "items", "findings"):
        assert found[table] == single[table], table
    assert duplicates(db_path) == 0
    assert not os.path.exists(f"/proc/{doomed.pid}")


def test_a_coordinator_killed_and_started_again_resumes_its_crawl(sandbox, single, tmp_path, redis_url, started):
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, registry_entries(sandbox.port), db_path)
    command = [sys.executable, "-m", "gkwatch", "crawl", "--db", str(db_path), *FAST_CRAWL, "--redis", redis_url]
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = [worker(redis_url, "one"), worker(redis_url, "two")]
    started += [first, *workers]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and items_stored(db_path) < 500:
        time.sleep(0.2)
    first.send_signal(signal.SIGKILL)   # the workers wait for it: their reads stay queued in Redis
    first.wait()
    assert items_stored(db_path) < len(single["items"]), "killed halfway"
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=400)
    for process in workers:
        process.wait(timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "继续抓取 #1 (resuming crawl run 1)" in again.stderr, again.stderr
    checked(db_path)
    found = contents(db_path)
    for table in ("agencies", "columns", "items", "findings"):
        assert found[table] == single[table], table
    assert duplicates(db_path) == 0
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT id, status FROM crawl_runs").fetchall() == [(1, "finished")]
        assert conn.execute("SELECT count(*) FROM listings WHERE column_id IS NULL").fetchone()[0] == 0


def test_sites_are_the_agencies_sharing_a_host_and_chromium_sites_wait_for_a_browser(tmp_path, redis_url):
    from crawlers.cluster import Claims, connect
    from crawlers.coordinator import Coordinator

    entries = [e for e in registry_entries(8700) if e["id"] in ("sb-huailing-gov", "sb-huailing-swj",
                                                                   "sb-xuanlin-swj", "sb-yuanchuan-swj")]
    by_id = {e["id"]: e for e in entries}
    by_id["sb-huailing-swj"]["portal"] = "http://127.0.0.11:8700/bm/swj/"   # its portal on the city's site
    by_id["sb-yuanchuan-swj"]["render_js"] = True
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, entries, db_path)
    server = connect(redis_url)
    coordinator = Coordinator(server, str(db_path))
    run_id = coordinator.start([], full=False, as_of="2026-11-22", overrides={"DOWNLOAD_DELAY": "3"})
    assert run_id == 1
    assert server.hget("gkwatch:run", "sites") == b"3"
    plain = Claims(server, "no-chromium", browser=False)
    claimed = [plain.claim(), plain.claim(), plain.claim()]
    assert [agencies for _, agencies in claimed[:2]] == [["sb-huailing-gov", "sb-huailing-swj"], ["sb-xuanlin-swj"]]
    assert claimed[2] is None   # the site drawn by scripts is not for a worker without Chromium
    assert Claims(server, "chromium", browser=True).claim()[1] == ["sb-yuanchuan-swj"]
    coordinator.db.close()


def test_redis_lost_mid_crawl_stops_coordinator_and_worker_with_a_message(sandbox, tmp_path, started):
    server, url = redis_server.start(tmp_path)
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, registry_entries(sandbox.port), db_path)
    coordinator = subprocess.Popen([sys.executable, "-m", "gkwatch", "crawl", "--db", str(db_path), *FAST_CRAWL,
                                    "--redis", url], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lone = worker(url, "lone")
    started += [server, coordinator, lone]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and items_stored(db_path) < 300:
        time.sleep(0.2)
    server.kill()
    server.wait()
    _, err = coordinator.communicate(timeout=120)
    assert coordinator.returncode == 4
    assert "错误 (error): Redis 连接中断, 抓取停止" in err and "Traceback" not in err, err
    _, worker_err = lone.communicate(timeout=120)
    assert lone.returncode == 4
    assert "Redis 15 秒无法连接, 工作进程退出" in worker_err, worker_err
    assert "Traceback" not in worker_err, worker_err[worker_err.index("Traceback") - 300:][:3000]
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        status = conn.execute("SELECT status FROM crawl_runs").fetchone()[0]
    assert status.startswith("stopped: Redis unreachable")


def test_a_worker_started_again_under_its_name_gives_back_what_it_held(tmp_path, redis_url):
    from crawlers.cluster import Claims, connect, status
    from crawlers.coordinator import Coordinator

    entries = [e for e in registry_entries(8700) if e["id"] in ("sb-huailing-gov", "sb-xuanlin-swj", "sb-yuanchuan-swj")]
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, entries, db_path)
    server = connect(redis_url)
    Coordinator(server, str(db_path)).start([], full=False, as_of=None, overrides={})
    before = Claims(server, "w1", browser=True)
    assert before.claim()[1] == ["sb-huailing-gov"] and before.claim()[1] == ["sb-xuanlin-swj"]
    again = Claims(server, "w1", browser=True)   # killed, started again: its walks are gone with it
    state = status(server)
    assert (state["sites_claimed"], state["sites_waiting"]) == (0, 3)
    # what was put back waits behind what was never claimed
    assert [again.claim()[1] for _ in range(3)] == [["sb-yuanchuan-swj"], ["sb-huailing-gov"], ["sb-xuanlin-swj"]]


def test_a_wrong_or_unreachable_redis_is_a_clear_message(tmp_path):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    cases = [
        (("worker", "--redis", "localhost:6379"), 3, "'localhost:6379' 不是 Redis 地址 (not a Redis URL"),
        (("crawl", "--workers", "2"), 3, "--workers 和 --status 须与 --redis 同用 (--workers and --status need --redis)"),
        (("worker", "--redis", dead, "--wait", "1"), 4, f"错误 (error): Redis 无法连接 (cannot reach Redis at {dead})"),
        (("crawl", "--status", "--redis", dead), 4, f"错误 (error): Redis 无法连接 (cannot reach Redis at {dead})"),
    ]
    for args, code, message in cases:
        result = run_gkwatch(*args)
        assert result.returncode == code, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
