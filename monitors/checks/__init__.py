"""The checks, one module per family. Each check reads the database (never the network) and returns
an ``Outcome``: its findings and the agencies it settled. ``CHECKS`` lists them in run order."""

from __future__ import annotations

from typing import Callable

from .availability import site_unreachable, slow_page
from .base import Context, Finding, Outcome, prepare
from .completeness import art20_category_missing, column_empty, mandatory_column_missing
from .freshness import column_stale, homepage_stale
from .links import broken_link, item_removed
from .reports import annual_reports, report_contents
from .volume import category_imbalance, publishing_quota


def _one(check: Callable[[Context], Outcome]) -> Callable[[Context], list[Outcome]]:
    return lambda ctx: [check(ctx)]


FAMILIES: list[tuple[str, Callable[[Context], list[Outcome]]]] = [
    ("availability.site_unreachable", _one(site_unreachable)),
    ("availability.slow_page", _one(slow_page)),
    ("freshness.homepage_stale", _one(homepage_stale)),
    ("freshness.column_stale", _one(column_stale)),
    ("completeness.column_empty", _one(column_empty)),
    ("completeness.mandatory_column_missing", _one(mandatory_column_missing)),
    ("completeness.art20_category_missing", _one(art20_category_missing)),
    ("reports.annual_reports", annual_reports),
    ("reports.report_contents", report_contents),
    ("links.broken_link", _one(broken_link)),
    ("links.item_removed", _one(item_removed)),
    ("volume.publishing_quota", _one(publishing_quota)),
    ("volume.category_imbalance", _one(category_imbalance)),
]

__all__ = ["FAMILIES", "Context", "Finding", "Outcome", "prepare"]
