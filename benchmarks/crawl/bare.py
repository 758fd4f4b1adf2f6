"""The baseline: bare Scrapy fetching a fixed list of URLs and parsing each page with lxml.

What any spider minimally does with a page, and nothing more: no pipelines, no database, no
middlewares of ours. Run by ``run.py`` with the URLs a ``gkwatch crawl`` fetched with GET:

    python benchmarks/crawl/bare.py URLS.txt STATS.json [-s KEY=VALUE ...]
"""

from __future__ import annotations

import json
import sys
from urllib.parse import urljoin

import lxml.html
import scrapy
from lxml import etree
from scrapy.crawler import CrawlerProcess

SETTINGS = {
    "ROBOTSTXT_OBEY": False,  # robots.txt fetches are left out of the URL list on both sides
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "HTTPERROR_ALLOW_ALL": True,  # a 404 page is still fetched and parsed, as gkwatch does
    "USER_AGENT": "gkwatch-bench/bare",
}


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(**kwargs)
        self.urls = urls
        self.links = 0

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response):
        # Parse the document and pull its links.
        try:
            root = lxml.html.document_fromstring(response.body)
        except (etree.ParserError, ValueError):
            return
        self.links += len([urljoin(response.url, href) for href in root.xpath("//a/@href")])


def main(argv: list[str]) -> int:
    urls_file, stats_file, *rest = argv
    settings = dict(SETTINGS)
    for flag, pair in zip(rest[::2], rest[1::2]):
        if flag == "-s":
            key, _, value = pair.partition("=")
            settings[key] = value
    urls = [line.strip() for line in open(urls_file, encoding="utf-8") if line.strip()]
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    stats = crawler.stats.get_stats()
    stats["bare/links"] = crawler.spider.links
    with open(stats_file, "w", encoding="utf-8") as out:
        json.dump(stats, out, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
