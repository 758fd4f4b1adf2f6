"""Bad input and a machine that will not let a command finish, each met with one clear line and the
documented exit code (3 bad input, 4 could not finish), never a traceback: a file that is not SQLite,
a read-only disk, a full disk, a config value of the wrong type, a re-import that would change
agencies, and a portal robots.txt forbids.

The read-only and full disks are real filesystems: a tmpfs mounted in a private mount namespace
(``unshare -m``), read-only or a few kilobytes from full, around the gkwatch processes; the
namespace and its mounts end with the script (root only, as these tests run)."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest

import storage
from core import exit_codes
from core.registry import dump

from .checkdb import AS_OF, clean_site
from .conftest import ROOT, crawl, import_registry, run_gkwatch

LATER = AS_OF + dt.timedelta(days=30)   # news 33 days old by then: the check opens findings
NOT_SQLITE = "不是 SQLite 数据库 (not a SQLite database)"
DISK_FULL = "磁盘已满"
READ_ONLY = "数据库只读"


def site_db(path):
    db = storage.connect(path)
    clean_site(db).crawl()
    db.conn.commit()
    db.close()
    return path


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


# not SQLite ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("check",), ("serve",), ("agencies", "list"), ("alert", "--dry-run", "--notify", "json://127.0.0.1:9/x"),
    ("alert", "--notify", "json://127.0.0.1:9/x"), ("agencies", "import", ROOT / "agencies" / "huainan-swj.yaml"),
    ("crawl",),
], ids=lambda a: " ".join(map(str, a[:2])))
def test_a_file_that_is_not_sqlite_is_named(tmp_path, args):
    text = tmp_path / "notes.db"
    text.write_text("这不是数据库 not a database\n" * 20, encoding="utf-8")
    result = run_gkwatch(*args, "--db", text)
    assert result.returncode == exit_codes.BAD_INPUT, result.stdout + result.stderr
    assert result.stderr.strip() == f"错误 (error): {NOT_SQLITE}: {text}"
    assert text.read_text(encoding="utf-8").startswith("这不是数据库")   # left as it was
    no_traceback(result)


# wrong config types -----------------------------------------------------------------------------------

def command_paths():
    import click

    from gkwatch.cli import cli

    def walk(group, prefix=()):
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                yield from walk(command, prefix + (name,))
            else:
                yield prefix + (name,)
    return list(walk(cli))


@pytest.mark.parametrize("text,message", [
    ('[crawl]\ntimeout = "30"', "crawl.timeout: 取值类型错误 (wrong type) '30'"),
    ("[schedule]\nmisfire_grace_time = 1.5", "schedule.misfire_grace_time: 取值类型错误 (wrong type) 1.5"),
], ids=["crawl.timeout", "schedule.misfire_grace_time"])
def test_a_config_value_of_the_wrong_type_is_exit_3_for_every_command(tmp_path, text, message):
    config = tmp_path / "gkwatch.toml"
    config.write_text(text, encoding="utf-8")
    db_path = site_db(tmp_path / "gkwatch.db")
    for path in command_paths():
        result = run_gkwatch("--config", config, *path, "--db", db_path)
        assert result.returncode == exit_codes.BAD_INPUT, (path, result.stdout, result.stderr)
        assert message in result.stderr and str(config) in result.stderr, (path, result.stderr)
        no_traceback(result)
    # and from $GKWATCH_CONFIG, check included
    result = run_gkwatch("check", "--db", db_path, env={"GKWATCH_CONFIG": str(config)})
    assert result.returncode == exit_codes.BAD_INPUT and message in result.stderr


# re-import ------------------------------------------------------------------------------------------

AGENCY = {"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门", "region_code": "340499",
          "homepage": "http://swj.qingchuan.example.gov.cn/", "portal": "http://swj.qingchuan.example.gov.cn/xxgk/",
          "columns": [{"name": "通知公告", "url": "http://swj.qingchuan.example.gov.cn/xxgk/tzgg/", "type": "notice"}]}
OTHER = {"id": "fengling-gov", "name": "凤岭县人民政府", "level": "县", "kind": "政府", "region_code": "340421",
         "homepage": "http://www.fengling.example.gov.cn/", "portal": "http://www.fengling.example.gov.cn/xxgk/"}
NEW = {"id": "huailing-swj", "name": "槐岭市商务局", "level": "市", "kind": "部门", "region_code": "340321",
       "homepage": "http://swj.huailing.example.gov.cn/", "portal": "http://swj.huailing.example.gov.cn/zwgk/"}


def registry(tmp_path, entries, name="registry.yaml"):
    path = tmp_path / name
    path.write_text(dump(entries), encoding="utf-8")
    return path


def stored(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return (conn.execute("SELECT * FROM agencies ORDER BY id").fetchall(),
                conn.execute("SELECT agency_id, url, name, type, explicit FROM columns ORDER BY agency_id, url").fetchall())
    finally:
        conn.close()


def test_a_reimport_that_changes_agencies_shows_each_change_and_changes_nothing_without_update(tmp_path):
    db_path = tmp_path / "gkwatch.db"
    first = run_gkwatch("agencies", "import", registry(tmp_path, [AGENCY, OTHER]), "--db", db_path)
    assert first.returncode == 0, first.stderr

    same = run_gkwatch("agencies", "import", registry(tmp_path, [OTHER, AGENCY], "again.yaml"), "--db", db_path)
    assert same.returncode == 0, same.stderr
    assert "→" not in same.stdout.replace(f"→ {db_path}", "") and not same.stderr   # silently
    assert "added 0, updated 0, unchanged 2" in same.stdout
    before = stored(db_path)

    moved = {**AGENCY, "name": "青川市商务和投资促进局", "homepage": "https://swj.qingchuan.example.gov.cn/",
             "portal": "https://swj.qingchuan.example.gov.cn/zwgk/", "monthly_quota": 100,
             "robots": {"obey": False, "reason": "门户 robots.txt 禁止一切抓取"},
             "columns": [{"name": "通知公告", "url": "https://swj.qingchuan.example.gov.cn/zwgk/tzgg/", "type": "notice"}]}
    changed = registry(tmp_path, [moved, OTHER, NEW], "changed.yaml")
    refused = run_gkwatch("agencies", "import", changed, "--db", db_path)
    assert refused.returncode == exit_codes.BAD_INPUT, refused.stdout + refused.stderr
    no_traceback(refused)
    lines = refused.stderr.strip().splitlines()
    assert lines == [
        "机构有变化 (changed) qingchuan-swj 青川市商务和投资促进局:",
        "  name: 青川市商务局 → 青川市商务和投资促进局",
        "  homepage: http://swj.qingchuan.example.gov.cn/ → https://swj.qingchuan.example.gov.cn/",
        "  portal: http://swj.qingchuan.example.gov.cn/xxgk/ → https://swj.qingchuan.example.gov.cn/zwgk/",
        "  robots.obey: true → false",
        "  robots.reason: (空 none) → 门户 robots.txt 禁止一切抓取",
        "  monthly_quota: (空 none) → 100",
        "  columns: − 通知公告 http://swj.qingchuan.example.gov.cn/xxgk/tzgg/ (notice)",
        "  columns: + 通知公告 https://swj.qingchuan.example.gov.cn/zwgk/tzgg/ (notice)",
        "错误 (error): 1 个已导入的机构有变化, 未导入任何内容; 确认请加 --update (1 imported agencies would "
        "change; nothing imported; re-run with --update to apply)",
    ]
    assert stored(db_path) == before            # nothing changed, and the new agency is not added either

    applied = run_gkwatch("agencies", "import", changed, "--update", "--db", db_path)
    assert applied.returncode == 0, applied.stderr
    assert "  portal: http://swj.qingchuan.example.gov.cn/xxgk/ → https://swj.qingchuan.example.gov.cn/zwgk/" \
        in applied.stdout.splitlines()
    assert "added 1, updated 1, unchanged 1" in applied.stdout
    agencies, columns = stored(db_path)
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM agencies WHERE id = 'qingchuan-swj'").fetchone()
    assert (row["name"], row["portal"], row["obey_robots"], row["monthly_quota"]) == (
        "青川市商务和投资促进局", "https://swj.qingchuan.example.gov.cn/zwgk/", 0, 100)
    assert [a[0] for a in agencies] == ["fengling-gov", "huailing-swj", "qingchuan-swj"]
    assert ("qingchuan-swj", "https://swj.qingchuan.example.gov.cn/zwgk/tzgg/", "通知公告", "notice", 1) in columns
    assert ("qingchuan-swj", "http://swj.qingchuan.example.gov.cn/xxgk/tzgg/", "通知公告", "notice", 0) in columns
    conn.close()
    assert [a for a in agencies if a[0] == "fengling-gov"] == [a for a in before[0] if a[0] == "fengling-gov"]


# robots.txt -------------------------------------------------------------------------------------------

def test_a_portal_forbidden_by_robots_is_said_so_with_the_registry_override(threaded_server, tmp_path):
    threaded_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    threaded_server.expect_request("/").respond_with_data('<a href="/xxgk/">政务公开</a>',
                                                           content_type="text/html; charset=utf-8")
    threaded_server.expect_request("/xxgk/").respond_with_data("<html><body>政务公开</body></html>",
                                                               content_type="text/html; charset=utf-8")
    entry = {"id": "qingchuan-swj", "name": "青川市商务局", "level": "市", "kind": "部门", "region_code": "340499",
             "homepage": threaded_server.url_for("/"), "portal": threaded_server.url_for("/xxgk/")}
    never = {**entry, "id": "fengling-gov", "name": "凤岭县人民政府", "kind": "政府", "region_code": "340421",
             "homepage": "http://127.0.0.1:9/", "portal": "http://127.0.0.1:9/xxgk/"}
    db_path = tmp_path / "gkwatch.db"
    import_registry(tmp_path, [entry, never], db_path)
    crawl(db_path, "--agency", "qingchuan-swj")

    result = run_gkwatch("check", "--db", db_path, "--as-of", AS_OF)
    assert result.returncode == exit_codes.OK, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "从未抓取 never crawled (1): fengling-gov" in lines          # the one no crawl has reached
    robots = [line for line in lines if line.startswith("robots.txt")]
    assert robots == ["robots.txt 禁止抓取门户, 无法检查 portal forbidden by robots.txt, not checked (1): qingchuan-swj"]
    explained = lines[lines.index(robots[0]) + 1]
    assert "robots: {obey: false, reason: 理由}" in explained and "obey_robots/robots_reason" in explained
    assert "gkwatch agencies import --update" in explained
    summary = json.loads(run_gkwatch("check", "--db", db_path, "--as-of", AS_OF, "--json").stdout)["summary"]
    assert summary["robots_blocked"] == ["qingchuan-swj"]

    # the override, with its reason: re-imported with --update, crawled, checked
    allowed = {**entry, "robots": {"obey": False, "reason": "政务公开内容依法应当公开, robots.txt 却禁止一切抓取"}}
    path = registry(tmp_path, [allowed, never], "allowed.yaml")
    assert run_gkwatch("agencies", "import", path, "--db", db_path).returncode == exit_codes.BAD_INPUT
    assert run_gkwatch("agencies", "import", path, "--update", "--db", db_path).returncode == 0
    crawl(db_path, "--agency", "qingchuan-swj")
    summary = json.loads(run_gkwatch("check", "--db", db_path, "--as-of", AS_OF, "--json").stdout)["summary"]
    assert summary["robots_blocked"] == [] and summary["observed"] == 1


# real read-only and full disks ------------------------------------------------------------------------

def namespace_script(body: str, out) -> subprocess.CompletedProcess:
    """``body`` (bash) in a private mount namespace; ``run NAME ARGS…`` runs gkwatch, keeping its
    stdout, stderr and exit code in ``out``/NAME.{out,err,rc}."""
    # The test machines (CI, developers') run as root with util-linux: a real read-only and a real full
    # filesystem are made there, never faked.
    assert shutil.which("unshare"), "needs unshare(1) (util-linux)"
    probe = subprocess.run(["unshare", "-m", "bash", "-c", f"mount -t tmpfs -o size=1m tmpfs {shlex.quote(str(out))}"],
                           capture_output=True, text=True)
    assert probe.returncode == 0, f"needs a private mount namespace and mount(8) (root): {probe.stderr.strip()}"
    prelude = textwrap.dedent(f"""\
        set -eu
        OUT={shlex.quote(str(out))}
        PY={shlex.quote(sys.executable)}
        cd {shlex.quote(str(ROOT))}
        run() {{
            local name=$1; shift
            set +e; "$PY" -m gkwatch "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"; echo $? > "$OUT/$name.rc"; set -e
        }}
        """)
    result = subprocess.run(["unshare", "-m", "--propagation", "private", "bash", "-c", prelude + body],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def outcome(out, name):
    return (int((out / f"{name}.rc").read_text()), (out / f"{name}.out").read_text(encoding="utf-8"),
            (out / f"{name}.err").read_text(encoding="utf-8"))


def dumped(path) -> list[str]:
    from storage import search

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    search.register(conn)   # the full-text index's tokenizer
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


FETCH = """\
import json, sys, time, urllib.request
for _ in range(120):   # until gkwatch serve answers
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
            body = response.read()
            print(json.dumps({"status": response.status, "rows": json.loads(body) if sys.argv[2:] != ["raw"] else None}))
            break
    except OSError:
        time.sleep(0.5)
"""


def test_a_read_only_disk_check_exits_4_and_serve_still_serves(tmp_path):
    source = site_db(tmp_path / "source.db")
    out, disk = tmp_path / "out", tmp_path / "disk"
    out.mkdir()
    disk.mkdir()
    db = disk / "gkwatch.db"
    fetch = tmp_path / "fetch.py"
    fetch.write_text(FETCH, encoding="utf-8")
    namespace_script(f"""
        mount -t tmpfs -o size=8m tmpfs {disk}
        cp {source} {db}
        mount -o remount,ro {disk}
        touch {disk}/probe 2> /dev/null && exit 9   # really read-only, for root too
        run check check --db {db} --as-of {LATER}
        run import agencies import agencies/huainan-swj.yaml --db {db}
        run alert alert --notify json://127.0.0.1:9/x --db {db}
        run dry alert --dry-run --notify json://127.0.0.1:9/x --db {db}
        run list agencies list --db {db}
        PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        "$PY" -m gkwatch serve --db {db} --port $PORT > "$OUT/serve.out" 2> "$OUT/serve.err" &
        SERVER=$!
        "$PY" {fetch} "http://127.0.0.1:$PORT/gkwatch/agencies.json?_shape=array" > "$OUT/served.json"
        "$PY" {fetch} "http://127.0.0.1:$((PORT + 1))/captures/" raw > "$OUT/archive.json"   # the replayer, started beside it
        kill $SERVER; wait $SERVER || true
    """, out)
    for name in ("check", "import", "alert"):
        code, stdout, stderr = outcome(out, name)
        assert code == exit_codes.FAILED, (name, stdout, stderr)
        assert stderr.strip() == f"错误 (error): {READ_ONLY}, 无法写入 (read-only database or directory: cannot write): {db}"
    for name in ("dry", "list"):
        code, stdout, stderr = outcome(out, name)
        assert code == exit_codes.OK and "Traceback" not in stderr, (name, stdout, stderr)
    assert "qingchuan-swj" in outcome(out, "list")[1]
    served = json.loads((out / "served.json").read_text())
    assert served["status"] == 200 and [r["id"] for r in served["rows"]] == ["qingchuan-swj"]
    assert "数据库只读, 以只读方式发布" in (out / "serve.err").read_text(encoding="utf-8")
    assert json.loads((out / "archive.json").read_text())["status"] == 200
    assert "Traceback" not in (out / "serve.err").read_text(encoding="utf-8")


def test_a_full_disk_is_exit_4_and_loses_nothing(tmp_path):
    source = site_db(tmp_path / "source.db")
    out, disk, copies = tmp_path / "out", tmp_path / "disk", tmp_path / "copies"
    for folder in (out, disk, copies):
        folder.mkdir()
    db = disk / "gkwatch.db"
    other = registry(tmp_path, [NEW, OTHER], "more.yaml")
    namespace_script(f"""
        mount -t tmpfs -o size=4m tmpfs {disk}
        cp {source} {db}
        # Fill the disk, then free 36 KB: room for SQLite's 32 KB -shm file, not for a transaction.
        dd if=/dev/zero of={disk}/filler bs=64k 2> /dev/null || true
        truncate -s -36K {disk}/filler
        run import agencies import {other} --db {db}
        run check check --db {db} --as-of {LATER}
        run list agencies list --db {db}
        cp {db} {copies}/full.db
        rm {disk}/filler
        run import2 agencies import {other} --db {db}
        run check2 check --db {db} --as-of {LATER} --json
        run check3 check --db {db} --as-of {LATER} --json
        cp {db} {copies}/freed.db
    """, out)
    for name in ("import", "check"):
        code, stdout, stderr = outcome(out, name)
        assert code == exit_codes.FAILED, (name, stdout, stderr)
        assert stderr.strip() == (f"错误 (error): {DISK_FULL}, 未写入任何内容 (disk full: nothing written; "
                                  f"free some space and run again): {db}")
    assert outcome(out, "list")[0] == exit_codes.OK              # reading still works
    assert dumped(copies / "full.db") == dumped(source)          # the failed runs changed nothing
    # on the freed disk: everything once
    assert outcome(out, "import2")[0] == exit_codes.OK, outcome(out, "import2")
    assert outcome(out, "check2")[0] == exit_codes.FINDINGS_NEW, outcome(out, "check2")
    assert outcome(out, "check3")[0] == exit_codes.FINDINGS_OPEN, outcome(out, "check3")
    first = json.loads(outcome(out, "check2")[1])["summary"]
    again = json.loads(outcome(out, "check3")[1])["summary"]
    assert (first["check_run_id"], again["check_run_id"]) == (1, 2) and again["open"] == first["open"]
    conn = sqlite3.connect(copies / "freed.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r[0] for r in conn.execute("SELECT id FROM agencies ORDER BY id")] == [
        "fengling-gov", "huailing-swj", "qingchuan-swj"]
    assert conn.execute("SELECT count(*) FROM check_runs").fetchone()[0] == 2
    assert conn.execute("SELECT count(*), count(DISTINCT agency_id || check_name || subject) FROM findings "
                        "").fetchone() == (sum(first["open"].values()), sum(first["open"].values()))
    assert conn.execute("SELECT count(*) FROM finding_events").fetchone()[0] == sum(first["open"].values())
    conn.close()
