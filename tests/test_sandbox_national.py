"""The national sandbox (issue #18): N agencies drawn from a seed in the country's proportions, served by
one asyncio process on 127.1.0.1 onwards, with exact counts, per-site counters and a truthful manifest."""

from __future__ import annotations

import datetime as dt
import html
import json
import statistics
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from core.registry import dump, load_file
from core.taxonomy import classify
from sandbox.national import (PLANT_RATES, World, build_national_manifest, counts, host, index_of,
                              national_registry_entries)

REF = dt.date(2026, 11, 22)
N, SEED = 1000, 7
SLOW = 1.5
LIST_FAMILIES = ("trs", "hanweb", "table", "powereasy", "haiyun")   # the first list page is plain HTML


def start(n: int, *extra: str) -> tuple[subprocess.Popen, int]:
    """``gkwatch sandbox serve --agencies n`` on a free port, once it says it is ready."""
    proc = subprocess.Popen([sys.executable, "-m", "gkwatch", "sandbox", "serve", "--agencies", str(n), "--seed",
                             str(SEED), "--port", "0", "--as-of", REF.isoformat(), *extra],
                            stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("沙盒已就绪"):
            return proc, int(line.split("port ")[1].split(";")[0])
    proc.kill()
    raise AssertionError(f"the national sandbox exited with {proc.wait()} before it was ready")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    assert proc.wait(timeout=10) == 0


def get(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


@pytest.fixture(scope="module")
def world():
    return World(N, SEED)


@pytest.fixture(scope="module")
def served():
    proc, port = start(N, "--slow-seconds", str(SLOW), "--slow-home-seconds", str(SLOW))
    yield port
    stop(proc)


def stats(port: int) -> dict:
    return json.loads(get(f"http://127.0.0.1:{port}/-/sandbox-stats.json")[1])


# generation -------------------------------------------------------------------------------------

def test_levels_families_plants_and_faults_are_exact(world):
    found = counts(world)
    assert found["levels"] == {"国务院部门": 10, "省": 30, "市": 250, "县": 710}
    assert found["cms"] == {"trs": 300, "hanweb": 200, "table": 150, "js": 100, "haiyun": 100, "gkmlpt": 100,
                            "powereasy": 50}
    assert found["plants"] == {check: round(rate * N) for check, rate in PLANT_RATES.items()}
    assert found["plants"]["column_stale"] == 100 and found["plants"]["slow_page"] == 5
    assert found["faults"] == {"waf_403": 20, "soft_404": 20, "maintenance": 10, "slow_home": 10, "malformed_html": 20}
    assert [world.spec(i).level for i in (0, 9, 10, 39, 40, 289, 290, 999)] == \
        ["国务院部门", "国务院部门", "省", "省", "市", "市", "县", "县"]
    # another seed: the same counts, other agencies
    other = World(N, SEED + 1)
    assert counts(other) == found and other.cms != world.cms


def test_generation_is_deterministic():
    first, second = national_registry_entries(N, SEED, 8800), national_registry_entries(N, SEED, 8800)
    assert first == second and len({e["id"] for e in first}) == N
    assert national_registry_entries(N, SEED + 1, 8800) != first
    assert first[0]["homepage"] == "http://127.1.0.1:8800/" and first[-1]["homepage"] == f"http://{host(N - 1)}:8800/"


def test_registry_loads(tmp_path, world):
    path = tmp_path / "national.yaml"
    path.write_text(dump(national_registry_entries(300, SEED, 8800)), encoding="utf-8")
    agencies = load_file(path)
    assert len(agencies) == 300
    by_id = {a.id: a for a in agencies}
    assert all(a.parent is None or a.parent in by_id for a in agencies)
    assert {a.level for a in agencies} == {"国务院部门", "省", "市", "县"}


def test_addresses_skip_network_and_broadcast_ends():
    assert [host(i) for i in (0, 253, 254, 13_999)] == ["127.1.0.1", "127.1.0.254", "127.1.1.1", "127.1.55.30"]
    assert all(index_of(host(i), 14_000) == i for i in range(0, 14_000, 97))
    assert index_of("127.1.0.255", 14_000) is None and index_of("127.1.1.0", 14_000) is None
    assert index_of("127.0.0.1", 14_000) is None and index_of(host(1000), 1000) is None


def test_about_22_columns_named_as_the_taxonomy_reads_them(world):
    sizes = []
    for i in range(N):
        spec = world.spec(i)
        columns = [c for top in spec.columns for c in (top, *top.children)]
        sizes.append(len(columns))
        assert all(classify(c.name) == c.ctype for c in columns), spec.id
    assert 21.5 <= statistics.mean(sizes) <= 22.5 and min(sizes) >= 15 and max(sizes) <= 24


def test_item_counts_a_few_to_a_few_hundred(world):
    listed = []
    for i in range(0, N, 50):   # twenty agencies, every level
        site = world.site(i)
        listed += [len(c.listing(REF)) for c in site.all_columns() if c.ctype != "statutory"]
    # seed 7: 421 columns listing 7,556 items on REF (the planted removal comes the day after); most
    # list ten or fewer, the busiest news 294
    assert (len(listed), sum(listed), statistics.median(listed), max(listed)) == (421, 7556, 8, 294)
    assert (sum(n <= 10 for n in listed), sum(n >= 100 for n in listed)) == (249, 19)


# serving ----------------------------------------------------------------------------------------

def plain(world: World) -> list[int]:
    """One agency of each family with plain-HTML lists, without faults."""
    first = {}
    for i in range(N):
        if world.cms[i] in LIST_FAMILIES and i not in world.faults and i not in world.plants:
            first.setdefault(world.cms[i], i)
    return sorted(first.values())


def test_pages_list_the_manifest_items(served, world):
    chosen = plain(world)
    manifest = build_national_manifest(N, SEED, REF, served, detail=[world.spec(i).id for i in chosen],
                                       defects=False)
    entries = {a["id"]: a for a in manifest["agencies"]}
    assert manifest["counts"] == counts(world)
    for i in chosen:
        agency = entries[world.spec(i).id]
        assert get(f"http://{host(i)}:{served}/robots.txt")[1].startswith(b"User-agent: *")
        status, portal, _ = get(agency["portal"])
        assert status == 200
        text = html.unescape(portal.decode(agency["encoding"]))
        tops = [c for c in agency["columns"] if c["parent_url"] is None]
        assert all(c["name"] in text for c in tops), agency["id"]
        news = next(c for c in agency["columns"] if c["type"] == "news")
        status, body, headers = get(news["url"])
        text = html.unescape(body.decode(agency["encoding"]))
        assert status == 200 and len(news["items"]) >= 10
        for item in news["items"][:10]:
            url = urlsplit(item["url"])
            assert item["title"] in text and url.path.rsplit("/", 1)[-1] + (f"?{url.query}" if url.query else "") in text
        assert get(news["url"], {"If-None-Match": headers["ETag"]})[0] == 304


def test_faults_answer_as_the_fault_sites_do(served, world):
    def first(kind):
        return next(i for i in range(N) if world.faults.get(i) == kind)

    status, body, headers = get(f"http://{host(first('waf_403'))}:{served}/")
    assert status == 403 and "网站防火墙" in body.decode() and headers["Server"] == "Safedog"
    status, body, _ = get(f"http://{host(first('maintenance'))}:{served}/")
    assert status == 200 and "系统维护中" in body.decode()
    status, body, _ = get(f"http://{host(first('soft_404'))}:{served}/no-such-page-20261122.html")
    assert status == 200 and "页面不存在" in body.decode()
    assert get(f"http://{host(plain(world)[0])}:{served}/no-such-page-20261122.html")[0] == 404


def test_max_in_flight_counts_concurrent_requests(served, world):
    slow = next(i for i in range(N) if world.faults.get(i) == "slow_home")
    quick = plain(world)[-1]
    url = f"http://{host(slow)}:{served}/"
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(get, [url, url]))
    assert [status for status, _, _ in answers] == [200, 200]
    get(f"http://{host(quick)}:{served}/")
    get(f"http://{host(quick)}:{served}/")
    sites = stats(served)["sites"]
    assert sites[world.spec(slow).id] == {"host": host(slow), "requests": 2, "max_inflight": 2}
    assert sites[world.spec(quick).id]["max_inflight"] == 1
    assert stats(served)["max_inflight_per_site"] >= 2


def test_starts_for_14000_agencies():
    proc, port = start(14_000)
    try:
        status, body, _ = get(f"http://127.1.55.30:{port}/robots.txt")
        assert status == 200 and body.startswith(b"User-agent: *")
        found = stats(port)
        assert found["agencies"] == 14_000 and found["sites"] == {
            "nat-13999": {"host": "127.1.55.30", "requests": 1, "max_inflight": 1}}
    finally:
        stop(proc)
