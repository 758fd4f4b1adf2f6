"""The column taxonomy: canonical column types and the Chinese names that map to them.

The table itself is data, in ``column_types.yaml`` beside this module; discovery and the checks
both read it through here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

TAXONOMY_FILE = Path(__file__).with_name("column_types.yaml")
OTHER = "other"
_NOISE = re.compile(r"[\s\u3000\xa0·•>»|/、:：()（）\[\]【】<>《》\"'“”]+")


@lru_cache(maxsize=1)
def column_types() -> dict[str, dict]:
    return yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _synonyms() -> list[tuple[str, str]]:
    """(synonym, type), longest first, so 政策解读 wins over 政策 and 政府信息公开年报 over 年报."""
    pairs = [(normalise(s), t) for t, spec in column_types().items() for s in spec["synonyms"]]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Whole names and their type: every synonym, and the `exact` words matched only whole."""
    names = {normalise(s): t for t, spec in column_types().items() for s in spec.get("exact", [])}
    return {**names, **dict(_synonyms())}


def normalise(name: str) -> str:
    return _NOISE.sub("", name or "")


@lru_cache(maxsize=8192)
def classify(name: str) -> str:
    """Canonical type of a column name as shown on a site; ``other`` when nothing matches."""
    key = normalise(name)
    if not key:
        return OTHER
    if key in _names():
        return _names()[key]
    for synonym, type_ in _synonyms():
        if synonym in key:
            return type_
    return OTHER


def label(type_: str) -> str:
    return column_types().get(type_, column_types()[OTHER])["label"]
