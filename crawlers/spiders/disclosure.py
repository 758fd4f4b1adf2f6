"""The disclosure spider: walks each registered agency's 政务公开 portal, its columns page by page,
and the detail page of every new item.

It keeps the walk's state: which pages of a column come next, where an incremental walk stops,
which details are still unread, which lists need Chromium. What a page says is read by the pure
functions in ``extract`` (in parsing worker processes, ``crawlers.offload``); what comes back is
yielded as records for the storage pipeline.

    scrapy crawl disclosure -a agency=sb-qingchuan-swj,sb-xinan-swj [-a full=1]
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from core.clock import iso, now
from core.vocabulary import GONE_VERDICTS
from crawlers.crawl_database import read, run_id_for, store_for, writer_for
from crawlers.items import (ColumnDoneRecord, ColumnRecord, DetailRecord, ListingRecord, MessagesRecord, PageRecord,
                            PrivacyRecord, ReportRecord)
from crawlers.middlewares import PROBE_KIND, PageNotRead
from crawlers.offload import Offload, attachment_privacy, detail_data, report_data
from crawlers.site_worker import SiteWorker
from extract.json_list import gkmlpt_column, json_total_pages
from extract.trs import haiyun_search_api
from extract import decode_html, extract_json_list, extract_links, extract_list, report_requests
from extract.messages import extract_messages, messages_from_json
from extract.discovery import discover_columns, preview_blocks, under
from extract.page_state import says_empty
from storage import records

MAX_COLUMN_DEPTH = 3
# The 4 一级目录 of every 政府信息公开专栏 (国办公开办函〔2019〕61号): never anyone's sub-column.
TOP_LEVEL_TYPES = {"guide", "system", "statutory", "annual_report"}
_PAGE_PARAM = re.compile(r"^(page|pageno|pageindex|pagenum|cur_page|p)$", re.I)
# Scheduling order (higher first). Pages that lead to more pages go before the leaves they list,
# and slow fetches (a browser render, a report file) start early: otherwise a column found late, or
# its render, is what the whole crawl waits for at its end. Politeness per site is unchanged.
PRIORITY = {PROBE_KIND: 40, "home": 30, "portal": 30, "column": 20, "api": 20, "report": 10, "detail": 0, "link": -10,
            "verify": -10}
# Links to files are checked with HEAD even on sites that serve soft 404s: their bodies are large.
_FILE_LINK = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|zip|rar|7z|jpe?g|png|gif|mp4|ofd)(?:$|[?#])", re.I)
RENDER_PRIORITY = 40
# Attachments read for the personal data they may disclose (a larger one is only link-checked).
_DOCUMENT = re.compile(r"\.(pdf|docx?|xlsx?)(?:$|[?#])", re.I)
ATTACHMENT_MAX_BYTES = 30 * 1024 * 1024


@dataclass
class ColumnState:
    """One column in this run: where it sits, and what was seen of it (for pagination and
    removal candidates)."""
    url: str
    name: str
    type: str
    parent: str | None
    explicit: bool = False
    js: str = "none"  # how its list was read: none, endpoint (its data URL) or render (Chromium)
    recorded: bool = False
    seen: set[str] = field(default_factory=set)
    oldest: str | None = None
    pages: int = 0


@dataclass
class AgencyState:
    agency: dict
    known: dict[str, bool]
    walked: set[str]
    columns: dict[str, ColumnState] = field(default_factory=dict)
    home_links: list[tuple[str, str]] = field(default_factory=list)
    pending: int = 0
    portal_read: bool = False   # its column inventory of this run is whole


class DisclosureSpider(scrapy.Spider):
    name = "disclosure"

    def __init__(self, agency: str | None = None, full: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.agency_ids = [a.strip() for a in (agency or "").split(",") if a.strip()]
        self.full_arg = full

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.full = spider.full_arg in ("1", "true", "yes") or settings.getbool("GKWATCH_FULL")
        spider.max_pages = settings.getint("GKWATCH_MAX_PAGES_PER_COLUMN")
        # Each column is walked to its end again every few days, to see removals deep in its list.
        spider.walked_since = iso(now() - dt.timedelta(days=settings.getfloat("GKWATCH_FULL_WALK_DAYS")))
        spider.started, spider.verified = iso(), False
        spider.states = {}
        if settings.get("GKWATCH_REDIS"):   # a worker: the sites it claims, one after another
            spider.agencies = []
            spider.sites = SiteWorker(spider, crawler)
        else:
            spider.agencies = records.agencies(store_for(crawler), spider.agency_ids)
            missing = set(spider.agency_ids) - {a["id"] for a in spider.agencies}
            if missing:
                raise ValueError(f"登记册中没有这些机构 (not in the registry): {', '.join(sorted(missing))}")
            for agency in spider.agencies:
                spider.add_agency(agency)
            crawler.signals.connect(spider.verify_removals, signal=signals.spider_idle)
        spider.offload = Offload(settings.getint("GKWATCH_EXTRACT_WORKERS"))
        crawler.signals.connect(spider.offload.close, signal=signals.spider_closed)
        spider.requested: set[str] = set()  # fetched with GET this run
        spider.checked: set[str] = set()  # HEAD-checked links this run
        return spider

    def agencies_in_progress(self) -> int:
        return sum(1 for state in self.states.values() if state.pending > 0)

    def add_agency(self, agency: dict) -> AgencyState:
        state = self.states[agency["id"]] = AgencyState(
            agency, read(self.crawler, records.known_item_urls, agency["id"]),
            read(self.crawler, records.walked_columns, agency["id"], self.walked_since))
        return state

    def first_requests(self, state: AgencyState):
        """A path that cannot exist (what the site's missing pages look like), the homepage, then the portal."""
        yield self.request(state, _impossible_path(state.agency["homepage"]), PROBE_KIND, self.parse_link,
                           conditional=False)
        yield self.request(state, state.agency["homepage"], "home", self.parse_home)

    async def start(self):
        self.offload.start()
        for state in list(self.states.values()):
            for request in self.first_requests(state):
                yield request

    # Requests -----------------------------------------------------------------------------------

    def request(self, state: AgencyState, url: str, kind: str, callback, *, method="GET", render=False,
                conditional=True, form=None, **meta):
        """``form``: POST it (a search API's page, TRS 海云); its URL is the same for every page."""
        (self.checked if method == "HEAD" else self.requested).add(url)
        state.pending += 1
        request_meta = {"gk": {"agency": state.agency["id"], "kind": kind, "conditional": conditional and not form,
                               **meta}}
        if not state.agency["obey_robots"]:
            request_meta["dont_obey_robotstxt"] = True
        if form:
            request_meta["gk"]["form"] = form
            return scrapy.FormRequest(url, formdata=form, callback=callback, errback=self.failed, meta=request_meta,
                                      priority=PRIORITY[kind], dont_filter=True)
        if render:
            request_meta["gk"]["render"] = True   # Chromium's meta is added when it is downloaded (crawlers.render)
        # A fragment is no other page to the duplicate filter, but gkmlpt's index#<id> is another column.
        return scrapy.Request(url, callback=callback, errback=self.failed, method=method, meta=request_meta,
                              priority=RENDER_PRIORITY if render else PRIORITY[kind],
                              dont_filter=render or "#" in url)

    def arrived(self, response) -> AgencyState:
        """The agency state of an answered request (and one request fewer pending for it)."""
        state = self.states[response.meta["gk"]["agency"]]
        state.pending -= 1
        return state

    def failed(self, failure):
        meta = failure.request.meta["gk"]
        state = self.states[meta["agency"]]
        state.pending -= 1
        self.logger.info("抓取失败 (fetch failed) %s: %s", failure.request.url, failure.getErrorMessage())
        if failure.check(IgnoreRequest) and "max redirections" in failure.getErrorMessage():
            self.record_failure(failure.request, "redirect_loop", "重定向循环 (redirect loop)")
        # A column page that is slow, erroring, blocked or in maintenance still exists; one that is
        # gone (404, a soft 404) or that robots.txt forbids is not a column.
        if failure.check(PageNotRead):
            gone = failure.value.verdict in GONE_VERDICTS
        else:
            gone = failure.check(IgnoreRequest) and "max redirections" not in failure.getErrorMessage() and (
                not failure.check(HttpError) or failure.value.response.status in (404, 410))
        if meta["kind"] == "column" and meta.get("page_no") == 1 and not gone:
            yield self.record_column(state, state.columns[meta["column"]])
        if meta["kind"] == "home" and state.agency["portal"] != state.agency["homepage"]:
            yield self.request(state, state.agency["portal"], "portal", self.parse_portal)

    def check_link(self, state: AgencyState, url: str, kind: str = "link"):
        """Check a link once per run; the fetch log keeps what it came to. HEAD (GET where the server
        refuses HEAD), but GET on a site that answers missing pages with a page (a soft 404: only
        the body tells) and to verify a removal."""
        if url in self.requested or url in self.checked:
            return None
        host = urlsplit(url).netloc
        if kind == "verify" or (host in self.crawler.__dict__.get("_gk_error_pages", {})
                                and not _FILE_LINK.search(url)):
            return self.request(state, url, kind, self.parse_link, conditional=False)
        return self.request(state, url, kind, self.parse_link, method="HEAD", conditional=False,
                            handle_httpstatus_list=[405, 501])

    def not_recognised(self, response) -> None:
        """A column page that lists nothing and does not say it is empty was not understood: its
        fetch becomes ``unrecognised`` (no column is called empty or stale on it)."""
        self.logger.info("无法识别的栏目页 (no list recognised) %s", response.url)
        self.crawler.stats.inc_value("gkwatch/fetch/unrecognised")
        self.crawler.stats.inc_value("gkwatch/fetch/read", -1)
        writer_for(self.crawler).submit(records.record_verdict, {
            "crawl_run_id": run_id_for(self.crawler), "url": response.request.url, "verdict": "unrecognised"})

    def record_failure(self, request, verdict: str, error: str) -> None:
        """A failure no downloader middleware saw (Scrapy's redirect middleware gives up on a loop)."""
        meta = request.meta["gk"]
        writer_for(self.crawler).submit(records.record_fetch, {
            "fetched_at": iso(), "crawl_run_id": run_id_for(self.crawler), "agency_id": meta["agency"],
            "url": request.meta.get("redirect_urls", [request.url])[0], "method": request.method,
            "kind": meta["kind"], "status": None, "error": error, "elapsed_ms": None, "bytes": None,
            "verdict": verdict})

    # Callbacks ----------------------------------------------------------------------------------

    def parse_home(self, response):
        state = self.arrived(response)
        html = _html(response)
        page = extract_list(html, response.url)
        state.home_links = [link for link in self.links_of(html, response.url)
                            if link[1] not in {item.url for item in page.items}]
        yield PageRecord(state.agency["id"], response.url, _latest(page.items), state.home_links)
        if state.agency["portal"] == state.agency["homepage"]:
            yield from self.read_portal(response, state, html)
        else:
            yield self.request(state, state.agency["portal"], "portal", self.parse_portal)

    def parse_portal(self, response):
        yield from self.read_portal(response, self.arrived(response), _html(response))

    def read_portal(self, response, state, html):
        agency = state.agency
        state.portal_read = True
        explicit = read(self.crawler, records.explicit_columns, agency["id"])
        columns = explicit or [c.__dict__ for c in _site_columns(html, response.url, {agency["homepage"], response.url})]
        page = extract_list(html, response.url)
        links = self.links_of(html, response.url)
        yield PageRecord(agency["id"], response.url, _latest(page.items), links)
        for column in columns:
            yield from self.open_column(state, column["name"], column["url"], column["type"], None, 1,
                                        explicit=bool(explicit))
        # Documents listed on the portal are fetched from their columns, and the columns are
        # fetched: check only the other links, the homepage's too (it was read just before).
        skip = {c["url"] for c in columns} | {item.url for item in page.items}
        yield from self.check_links(state, links + state.home_links, skip)

    def open_column(self, state, name, url, type_, parent_url, depth, explicit=False):
        """Request a column page once; the column is stored when its page answers (a broken or
        robots-forbidden link is not a column)."""
        if url in state.columns:
            return
        state.columns[url] = ColumnState(url, name, type_, parent_url, explicit)
        yield self.request(state, url, "column", self.parse_column, render=bool(state.agency["render_js"]),
                           column=url, depth=depth, page_no=1)

    def record_column(self, state, column: ColumnState, js: str | None = None) -> ColumnRecord:
        column.recorded, column.js = True, js or column.js
        return ColumnRecord(state.agency["id"], column.url, column.name, column.type, column.parent,
                            js=column.js, explicit=column.explicit, crawl_run_id=run_id_for(self.crawler))

    def parse_column(self, response):
        state = self.arrived(response)
        meta = response.meta["gk"]
        html = _html(response)
        page = extract_list(html, response.url)
        column = state.columns[meta["column"]]
        items = page.items
        category = gkmlpt_column(html, column.url) if meta["page_no"] == 1 else None
        if category is not None:
            yield from self.read_category(state, column, category, meta)
            return
        if meta["page_no"] == 1:
            agency = state.agency
            yield self.record_column(state, column, "render" if response.meta.get("playwright") else None)
            links = _site_columns(html, response.url, {agency["homepage"], agency["portal"], column.url})
            column_urls = set(state.columns) | {link.url for link in links} | {agency["homepage"], agency["portal"]}
            # A container column (法定主动公开内容) lists its sub-columns, maybe with their latest
            # items: those items are listed again, and counted, in their own columns.
            items = [item for item in items if item.url not in column_urls]
            body_links = {link.url for link in links if not link.in_chrome}
            container = not items or preview_blocks(html, response.url, body_links, {i.url for i in items}) >= 2
            if container:
                items = []
            yield from self.place_columns(state, column, links, meta["depth"], container)
            page_links = self.links_of(html, response.url)
            yield PageRecord(agency["id"], response.url, _latest(items), page_links)
            yield from self.check_links(state, page_links,
                                        skip=column_urls | {item.url for item in page.items} | set(page.next_pages))
            body_columns = [link for link in links if not link.in_chrome]
            if not items and not body_columns and page.scripted and not response.meta.get("playwright"):
                yield from self.draw_scripted(response, state, page, meta)
                return
            if not items and not body_columns and not says_empty(html):
                self.not_recognised(response)
                return   # the column exists; what it lists is unknown this run
        elif not items and not says_empty(html):
            self.not_recognised(response)
            yield ColumnDoneRecord(state.agency["id"], column.url, column.seen, column.oldest, complete=False,
                                   crawl_run_id=run_id_for(self.crawler))
            return
        if column.type == "interaction":   # a message board: when each message was asked and answered
            messages = extract_messages(html, response.url)
            if messages:
                yield MessagesRecord(state.agency["id"], column.url, [m.to_json() for m in messages])
        any_new = self._any_new(state, items)
        yield from self.take_items(state, column, items, meta)
        search = haiyun_search_api(html, response.url) if meta["page_no"] == 1 and items else None
        if search and search.pages != 1:
            # TRS 海云: the first page is static, the following ones come only from its search API.
            yield from self.next_page(response, state, column, [search.url], any_new=any_new, kind="api",
                                      callback=self.parse_api, render=False, form=search.page(2))
            return
        endpoint = _paged(meta.get("data_urls")) if meta["page_no"] == 1 and items else None
        if endpoint:
            # Chromium saw the page fetch its list: read the following pages from that request
            # (once it proves to give this page's items) instead of drawing each in the browser.
            yield self.request(state, endpoint, "api", self.parse_api, conditional=False, **_carry(meta), drawn={
                "items": [item.url for item in items], "next": page.next_pages, "any_new": any_new})
            return
        yield from self.next_page(response, state, column, page.next_pages, any_new=any_new)

    def place_columns(self, state, column: ColumnState, links, depth: int, container: bool):
        """Column links in the body of a container page (法定主动公开内容) or under its path are its
        sub-columns, also when the portal listed them flat; other column links on a list page
        are its siblings; links only in navigation are top-level columns."""
        ancestors, parent = set(), column.parent
        while parent and parent not in ancestors:
            ancestors.add(parent)
            parent = state.columns[parent].parent if parent in state.columns else None
        for link in links:
            # Where the page's own menu nests a link, that decides; else its path or the page's kind.
            child = (link.parent_url == column.url if link.parent_url
                     else under(link.url, column.url) or (container and not link.in_chrome))
            parent_url = column.url if child else None if link.in_chrome else column.parent
            known = state.columns.get(link.url)
            if known is None:
                if depth < MAX_COLUMN_DEPTH:
                    yield from self.open_column(state, link.name, link.url, link.type, parent_url, depth + 1)
            elif (child and known.parent is None and link.url not in ancestors
                  and known.type not in TOP_LEVEL_TYPES):
                known.parent = column.url
                if known.recorded:
                    yield self.record_column(state, known)

    def read_category(self, state, column: ColumnState, category, meta):
        """A category of a 广东 gkmlpt catalogue (``index#<id>``): the page is the catalogue's script
        shell, the list comes from the catalogue's API; a category that holds others lists nothing."""
        column.parent = category.parent   # where the catalogue nests it
        yield self.record_column(state, column, "endpoint" if category.api else None)
        if category.api:
            yield self.request(state, category.api, "api", self.parse_api, conditional=False, **_carry(meta))
            return
        for child in state.columns.values():  # read before it (the same page): their parent is stored now
            if child.parent == column.url and child.recorded:
                yield self.record_column(state, child)
        yield ColumnDoneRecord(state.agency["id"], column.url, column.seen, column.oldest, complete=True,
                               crawl_run_id=run_id_for(self.crawler))

    def draw_scripted(self, response, state, page, meta):
        """A list drawn by JavaScript: call its data endpoint when the page names one, else render."""
        if page.data_endpoints:
            yield self.record_column(state, state.columns[meta["column"]], "endpoint")
            for endpoint in page.data_endpoints:
                yield self.request(state, endpoint, "api", self.parse_api, conditional=False,
                                   **{**_carry(meta), "page_no": 1})
        else:
            yield self.request(state, response.url, "column", self.parse_column, render=True, **_carry(meta))

    def parse_api(self, response):
        state = self.arrived(response)
        meta = response.meta["gk"]
        column = state.columns[meta["column"]]
        try:
            payload = json.loads(_html(response))
            items, pages = extract_json_list(payload, response.url), json_total_pages(payload)
        except ValueError:  # an XML data endpoint (Hanweb dataproxy and kin)
            payload, items, pages = None, extract_list(_html(response), response.url).items, None
        if payload is not None and column.type == "interaction":   # a board drawn from its data
            messages = messages_from_json(payload, response.url)
            if messages:
                yield MessagesRecord(state.agency["id"], column.url, [m.to_json() for m in messages])
        drawn = meta.get("drawn")
        if drawn is None:
            any_new = self._any_new(state, items)
            yield from self.take_items(state, column, items, meta)
        elif {item.url for item in items} == set(drawn["items"]):
            any_new = drawn["any_new"]  # the list's own data: its items were taken from the drawn page
        else:  # another of the page's requests: draw the following pages after all
            yield from self.next_page(response, state, column, drawn["next"], any_new=drawn["any_new"],
                                      kind="column", callback=self.parse_column, render=True)
            return
        # The next page: the same form with the next page number (a search API), else the URL's; none
        # after an empty page or the last one the first answer counts.
        form, pages = meta.get("form"), meta.get("pages") or pages
        following = response.url if form else _next_page_param(response.url)
        more = following and items and (pages is None or meta["page_no"] < pages)
        yield from self.next_page(response, state, column, [following] if more else [], any_new=any_new,
                                  callback=self.parse_api, pages=pages,
                                  form=form and {**form, "page": str(int(form["page"]) + 1)})

    def take_items(self, state, column, items, meta):
        column.pages += 1
        listed = [(item.url, item.title, item.date.isoformat() if item.date else None) for item in items]
        if listed:
            yield ListingRecord(state.agency["id"], column.url, listed)  # stored before the details it leads to
        for url, _, published in listed:
            column.seen.add(url)
            if published and (column.oldest is None or published < column.oldest):
                column.oldest = published
        for item in items:
            if not state.known.get(item.url) and item.url not in self.requested:
                state.known.setdefault(item.url, False)
                yield self.request(state, item.url, "detail", self.parse_detail, conditional=False,
                                   title=item.title, column_type=column.type)

    def _any_new(self, state, items) -> bool:
        """Whether a page lists something not yet fully known: a new item, or one whose detail page
        a stopped crawl left unread (its column may have been walked to the end before)."""
        return any(not state.known.get(item.url) for item in items)

    def next_page(self, response, state, column, next_pages, *, any_new, callback=None, kind=None, render=None,
                  **more):
        """Follow the column's next page unless this page held only known items (``--full``, and a
        column never walked to its end, always follow: an interrupted crawl resumes); at the
        column's end, unlisted items become removal candidates. The next page is fetched like this
        one unless ``kind``/``callback``/``render`` say otherwise; ``more``: meta it carries besides
        (``form``: POSTed to it, a search API's page; ``pages``: the count an API's first answer gave)."""
        meta = response.meta["gk"]
        queue = [url for url in (meta.get("queue") or next_pages) if more.get("form") or url not in self.requested]
        trust_known = column.url in state.walked and not self.full  # a column never walked to its end is walked on
        if queue and (any_new or not trust_known) and column.pages < self.max_pages:
            yield self.request(state, queue[0], kind or meta["kind"], callback or self.parse_column,
                               conditional=meta["conditional"],
                               render=bool(response.meta.get("playwright")) if render is None else render,
                               **{**_carry(meta), "page_no": meta["page_no"] + 1, "queue": queue[1:], **more})
            return
        yield ColumnDoneRecord(state.agency["id"], column.url, column.seen, column.oldest, complete=not queue,
                               crawl_run_id=run_id_for(self.crawler))

    def verify_removals(self):
        """When the crawl is otherwise done: re-check every item that went missing from its list
        this run (the checks call it removed only if its page is gone too)."""
        if self.verified:
            return
        self.verified = True
        # After the writes still queued: this run's removal candidates are among them.
        candidates = writer_for(self.crawler).call(*self.removal_query(list(self.states)))
        if self.check_removals(candidates):
            raise DontCloseSpider

    def removal_query(self, agency_ids: list[str]) -> tuple:
        """The call that lists what to re-check of these agencies (``records.to_verify``)."""
        portal_read = [agency_id for agency_id in agency_ids if self.states[agency_id].portal_read]
        return records.to_verify, agency_ids, self.started, portal_read, run_id_for(self.crawler)

    def check_removals(self, candidates: list[tuple[str, str]]) -> bool:
        """Fetch each candidate once more; whether any was."""
        for agency_id, url in candidates:
            request = self.check_link(self.states[agency_id], url, kind="verify")
            if request:
                self.crawler.engine.crawl(request)
        return bool(candidates)

    async def parse_detail(self, response):
        state = self.arrived(response)
        meta = response.meta["gk"]
        data = await self.offload.run(detail_data, response.body, response.url, _content_type(response))
        yield DetailRecord(state.agency["id"], response.url, data, data.get("text") or "")
        state.known[response.url] = True
        # An annual report: parsed from this page, or from the file it attaches (「详见附件」).
        for url in report_requests({**data, "url": response.url}, meta.get("title"), meta.get("column_type")):
            if url == response.url:
                yield await self.report_record(state, response, response.url)
            else:
                yield self.request(state, url, "report", self.parse_report_file, conditional=False,
                                   item_url=response.url)
        for attachment in data.get("attachments") or []:
            url = attachment["url"]
            if url in self.requested or url in self.checked:
                continue
            yield PageRecord(state.agency["id"], response.url, None, [(attachment["title"] or "", url)])
            if _DOCUMENT.search(url):   # a document is read (GET) for what it discloses; the fetch checks the link too
                yield self.request(state, url, "link", self.parse_attachment, conditional=False, item_url=response.url,
                                   attachment=attachment["title"] or url.rsplit("/", 1)[-1],
                                   download_maxsize=ATTACHMENT_MAX_BYTES)
            else:
                yield self.check_link(state, url)

    async def parse_attachment(self, response):
        state = self.arrived(response)
        meta = response.meta["gk"]
        if response.status == 200:
            found = await self.offload.run(attachment_privacy, response.body, response.url, _content_type(response))
            yield PrivacyRecord(state.agency["id"], meta["item_url"], meta["attachment"], found)

    async def parse_report_file(self, response):
        state = self.arrived(response)
        yield await self.report_record(state, response, response.meta["gk"]["item_url"])

    async def report_record(self, state, response, item_url: str) -> ReportRecord:
        report = await self.offload.run(report_data, response.body, response.url, _content_type(response))
        return ReportRecord(state.agency["id"], item_url, response.url, report)

    def parse_link(self, response):
        state = self.arrived(response)
        if response.status in (405, 501) and response.request.method == "HEAD":
            yield self.request(state, response.url, response.meta["gk"]["kind"], self.parse_link, conditional=False)

    def links_of(self, html: str, url: str) -> list[tuple[str, str]]:
        host = urlsplit(url).netloc
        return [(text, link) for text, link in extract_links(html, url) if urlsplit(link).netloc == host]

    def check_links(self, state, links, skip):
        for _, link in links:
            if link not in skip:
                request = self.check_link(state, link)
                if request:
                    yield request


def _impossible_path(homepage: str) -> str:
    """A URL on the site that no page can have: what it answers is the site's error page."""
    parts = urlsplit(homepage)
    return urlunsplit((parts.scheme, parts.netloc, f"/gkwatch-{secrets.token_hex(6)}-404.html", "", ""))


def _carry(meta: dict) -> dict:
    """The column context of a request's meta, to pass on to the next request of the same column."""
    return {key: value for key, value in meta.items() if key not in _NOT_CARRIED}


_NOT_CARRIED = frozenset({"agency", "kind", "conditional", "render", "data_urls", "drawn", "form"})


def _paged(urls: list[str] | None) -> str | None:
    """The first of a drawn page's data requests that has a page number (its list's, likely)."""
    return next((url for url in urls or [] if _next_page_param(url)), None)


def _content_type(response) -> str | None:
    return response.headers.get(b"Content-Type", b"").decode("latin-1") or None


def _html(response) -> str:
    text, _ = decode_html(response.body, _content_type(response))
    return text


def _site_columns(html: str, url: str, exclude: set[str]) -> list:
    """The columns a page links to on its own host (a column on a provincial platform is another
    site's to crawl), the agency's homepage and portal and the page itself left out."""
    host = urlsplit(url).netloc
    return [c for c in discover_columns(html, url, exclude=exclude) if urlsplit(c.url).netloc == host]


def _latest(items) -> str | None:
    dates = [item.date for item in items if item.date]
    return max(dates).isoformat() if dates else None


def _next_page_param(url: str) -> str | None:
    """The same API URL with its page number one higher, when it has one."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for index, (key, value) in enumerate(query):
        if _PAGE_PARAM.match(key) and value.isdigit():
            query[index] = (key, str(int(value) + 1))
            return urlunsplit(parts._replace(query=urlencode(query)))
    return None
