"""The checks, one module per family, one function per check id (``core.vocabulary.CHECKS``).
Each check reads the database (never the network) and returns an ``Outcome``: its findings and the
agencies it settled. ``CHECKS`` lists them in run order."""

from __future__ import annotations

from typing import Callable

from .availability import site_unreachable, slow_page
from .base import Context, Finding, Outcome, prepare
from .completeness import art20_category_missing, column_changed, column_empty, mandatory_column_missing
from .freshness import column_stale, homepage_stale
from .integrity import item_backdated
from .links import broken_link, item_removed
from .privacy import privacy_leak
from .reports import (annual_report_late, annual_report_missing, report_balance, report_claim_mismatch,
                      report_impossible_value, report_sections_missing, report_sum_mismatch)
from .response import interpretation_missing, message_unanswered
from .volume import category_imbalance, publishing_quota

CHECKS: tuple[Callable[[Context], Outcome], ...] = (
    site_unreachable, slow_page,
    homepage_stale, column_stale,
    column_empty, mandatory_column_missing, art20_category_missing,
    annual_report_missing, annual_report_late,
    report_balance, report_sections_missing, report_sum_mismatch, report_impossible_value, report_claim_mismatch,
    broken_link, item_removed, item_backdated, privacy_leak, interpretation_missing, column_changed,
    message_unanswered,
    publishing_quota, category_imbalance,
)

__all__ = ["CHECKS", "Context", "Finding", "Outcome", "prepare"]
