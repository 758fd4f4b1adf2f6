"""One storage handle per crawler, shared by the spider, middlewares, pipeline and extensions."""

from __future__ import annotations

import sqlite_utils

import storage


def store_for(crawler) -> sqlite_utils.Database:
    db = crawler.__dict__.get("_gkwatch_db")
    if db is None:
        db = crawler._gkwatch_db = storage.connect(crawler.settings.get("GKWATCH_DB"))
    return db


def run_id_for(crawler) -> int | None:
    return crawler.__dict__.get("_gkwatch_run_id")
