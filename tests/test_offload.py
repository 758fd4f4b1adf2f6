"""Detail pages and reports parsed in a worker process give exactly what the crawler's own
process gives (the worker is a speed-up, never a different answer)."""

from __future__ import annotations

import asyncio
import os

import pytest

from crawlers.offload import Offload, WorkerDied, detail_data, report_data

from .conftest import REAL_PAGES, real_pages

DETAILS = real_pages("detail")
REPORTS = real_pages("report")


def in_both(function, *args) -> tuple:
    async def run(offload):
        try:
            return await offload.run(function, *args)
        finally:
            offload.close()
    return asyncio.run(run(Offload(1))), asyncio.run(run(Offload(0)))


def test_a_detail_page_parsed_in_a_worker_matches_the_crawler():
    name, case = "nea_energy_law_detail.html", DETAILS["nea_energy_law_detail.html"]
    body = (REAL_PAGES / name).read_bytes()
    in_worker, in_process = in_both(detail_data, body, case["url"], "text/html")
    assert in_worker == in_process
    assert (in_worker["title"], in_worker["published"], in_worker["source"]) == (
        "中华人民共和国能源法", "2024-11-09T08:25", "中国人大网")
    assert len(in_worker["content_hash"]) == 64


def test_an_annual_report_parsed_in_a_worker_matches_the_crawler():
    name, case = "pingtan_annual_report_2023.html", REPORTS["pingtan_annual_report_2023.html"]
    body = (REAL_PAGES / name).read_bytes()
    in_worker, in_process = in_both(report_data, body, case["url"], None)
    assert in_worker == in_process
    assert (in_worker["year"], in_worker["format"], in_worker["title"]) == (2023, "2021", case["expect"]["title"])


def test_a_worker_that_dies_fails_its_task_and_is_replaced():
    name, case = "nea_energy_law_detail.html", DETAILS["nea_energy_law_detail.html"]
    body = (REAL_PAGES / name).read_bytes()

    async def run():
        offload = Offload(1)
        try:
            with pytest.raises(WorkerDied, match="exited with code 3"):
                await offload.run(os._exit, 3)
            with pytest.raises(ValueError, match="invalid literal"):  # an error in the task comes back as it is
                await offload.run(int, "x")
            return await offload.run(detail_data, body, case["url"], "text/html")
        finally:
            offload.close()

    assert asyncio.run(run())["title"] == "中华人民共和国能源法"
