"""The crawl's storage, shared by the spider, middlewares, pipeline and extensions: a connection
for reads (and the crawl run's own row) in the crawler, and the writer process every page's,
fetch's and record's writes go through. A worker of a crawl with workers (``GKWATCH_REDIS``) has
neither: its reads and writes go over Redis to the coordinator (``crawlers.cluster``)."""

from __future__ import annotations

import logging

import sqlite_utils
from scrapy.utils.defer import deferred_from_coro

import storage

from .writer_process import StorageWriter, counts

logger = logging.getLogger(__name__)


def store_for(crawler) -> sqlite_utils.Database:
    db = crawler.__dict__.get("_gkwatch_db")
    if db is None:
        db = crawler._gkwatch_db = storage.connect(crawler.settings.get("GKWATCH_DB"))
    return db


def read(crawler, function, *args):
    """``function(db, *args)`` on the crawl's database: this one, or for a worker the coordinator's."""
    if crawler.settings.get("GKWATCH_REDIS"):
        return writer_for(crawler).read(function, *args)
    return function(store_for(crawler), *args)


def writer_for(crawler) -> StorageWriter:
    writer = crawler.__dict__.get("_gkwatch_writer")
    if writer is None and crawler.settings.get("GKWATCH_REDIS"):
        from twisted.internet import reactor

        from .cluster import RedisStorage, connect

        writer = crawler._gkwatch_writer = RedisStorage(connect(crawler.settings.get("GKWATCH_REDIS")),
                                                        crawler.settings.get("GKWATCH_WORKER"), reactor.callLater)
    elif writer is None:
        store_for(crawler)  # the schema is upgraded before the writer opens its connection
        from twisted.internet import reactor

        writer = crawler._gkwatch_writer = StorageWriter(crawler.settings.get("GKWATCH_DB"), later=reactor.callLater,
                                                         on_failure=lambda error: _stop(crawler, error))
    return writer


def _stop(crawler, error: Exception) -> None:
    """Nothing more can be stored: end the crawl."""
    logger.error("%s", error)
    deferred_from_coro(crawler.engine.close_spider_async(reason="writer_failed"))


def close_writer(crawler) -> dict[str, int]:
    """Apply and commit every write still queued (the crawl is over); the writer's counts."""
    writer = crawler.__dict__.pop("_gkwatch_writer", None)
    if writer is None:
        return {}
    if crawler.settings.get("GKWATCH_REDIS"):
        writer.close()
        return {}
    found = writer.call(counts)
    writer.close()
    return found


def run_id_for(crawler) -> int | None:
    return crawler.__dict__.get("_gkwatch_run_id")
