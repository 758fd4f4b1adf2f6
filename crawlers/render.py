"""What Chromium may skip while it draws a JavaScript list."""

from __future__ import annotations

_NEEDLESS = frozenset({"image", "media", "font", "stylesheet"})


def needless_request(request) -> bool:
    """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST predicate: skip what draws no text."""
    return request.resource_type in _NEEDLESS
