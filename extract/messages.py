"""Message boards (互动交流 / 留言 / 来信): each message's title, link, when it was asked, when it was
answered and its state, as a board lists them.

Boards show these as a table whose header names the columns (留言标题 | 留言时间 | 回复时间 | 状态),
or as rows with labelled values (「留言时间：2026-08-01」「状态：已回复」). A message is *answered*
when the board gives a reply date or a state that says so (已回复, 已答复, 已办结…), *unanswered*
when its state says so (未回复, 办理中, 待回复…), and *unknown* otherwise: only a board that says a
message is unanswered, or that dates a reply, is evidence of anything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .dates import parse_date
from .dom import absolute_url, base_url, collapse, parse_html

ASKED = ("留言时间", "来信时间", "提问时间", "咨询时间", "写信时间", "留言日期", "来信日期", "提交时间", "发表时间")
REPLIED = ("回复时间", "答复时间", "回复日期", "答复日期", "办结时间", "反馈时间")
STATE = ("办理状态", "回复状态", "处理状态", "状态")
TITLE = ("留言标题", "信件标题", "来信标题", "咨询标题", "主题", "标题")
ANSWERED = ("已回复", "已答复", "已办结", "已处理", "已反馈", "办结", "已完成")
UNANSWERED = ("未回复", "未答复", "待回复", "待答复", "办理中", "处理中", "受理中", "待处理", "已受理", "未办结")
_LABEL = re.compile(r"({})\s*[:：]".format("|".join(ASKED + REPLIED + STATE)))


@dataclass(frozen=True)
class Message:
    title: str
    url: str
    asked: dt.date | None
    replied: dt.date | None
    state: str          # answered | unanswered | unknown

    def to_json(self) -> dict:
        return {"title": self.title, "url": self.url, "asked": self.asked.isoformat() if self.asked else None,
                "replied": self.replied.isoformat() if self.replied else None, "state": self.state}


def extract_messages(html: str, url: str) -> list[Message]:
    """The messages a board page lists, in page order; [] when the page is not a board."""
    root = parse_html(html)
    base = base_url(root, url)
    found = _from_tables(root, base) or _from_labelled_rows(root, base)
    seen, messages = set(), []
    for message in found:
        if message.url not in seen:
            seen.add(message.url)
            messages.append(message)
    return messages


def _state(text: str, replied: dt.date | None) -> str:
    if replied or any(word in text for word in ANSWERED):
        return "answered"
    if any(word in text for word in UNANSWERED):
        return "unanswered"
    return "unknown"


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:   # the most specific name first (办理状态 before 状态)
        for index, header in enumerate(headers):
            if name in header:
                return index
    return None


def _from_tables(root, base: str) -> list[Message]:
    messages = []
    for table in root.iter("table"):
        rows = [row for row in table.iter("tr") if row.getparent() is table or row.getparent().getparent() is table]
        if not rows:
            continue
        headers = [collapse(cell.text_content()) for cell in rows[0] if cell.tag in ("th", "td")]
        asked, replied, state = _column(headers, ASKED), _column(headers, REPLIED), _column(headers, STATE)
        if asked is None or (replied is None and state is None):
            continue   # not a board: a board dates its messages and says whether they were answered
        title = _column(headers, TITLE)
        for row in rows[1:]:
            cells = [cell for cell in row if cell.tag in ("th", "td")]
            if len(cells) < len(headers):
                continue
            link = next(iter((cells[title] if title is not None else row).iter("a")), None)
            href = absolute_url(link.get("href") if link is not None else None, base)
            if not href:
                continue
            replied_on = parse_date(collapse(cells[replied].text_content())) if replied is not None else None
            state_text = collapse(cells[state].text_content()) if state is not None else ""
            messages.append(Message(collapse(link.get("title") or link.text_content()), href,
                                    parse_date(collapse(cells[asked].text_content())), replied_on,
                                    _state(state_text, replied_on)))
    return messages


def _from_labelled_rows(root, base: str) -> list[Message]:
    messages = []
    for row in root.iter("li", "dl", "div", "tr"):
        links = list(row.iter("a"))
        if len(links) != 1 or any(child.tag in ("li", "dl", "tr") for child in row.iterdescendants()):
            continue
        text = collapse(row.text_content())
        labels = _labelled(text)
        asked = next((parse_date(labels[n]) for n in ASKED if n in labels), None)
        if asked is None:
            continue
        replied = next((parse_date(labels[n]) for n in REPLIED if n in labels), None)
        state_text = next((labels[n] for n in STATE if n in labels), text)
        href = absolute_url(links[0].get("href"), base)
        if href:
            messages.append(Message(collapse(links[0].get("title") or links[0].text_content()), href, asked,
                                    replied, _state(state_text, replied)))
    return messages


def _labelled(text: str) -> dict[str, str]:
    """Label → value in a row's text (「留言时间：2026-08-01 状态：已回复」): a value runs to the next label."""
    found = list(_LABEL.finditer(text))
    return {m.group(1): text[m.end():found[k + 1].start() if k + 1 < len(found) else len(text)].strip()[:40]
            for k, m in enumerate(found)}


# The same, as a board's JSON data endpoint names them (lower-cased, without "_").
_ASKED_KEYS = ("createtime", "asktime", "submittime", "writetime", "leavetime", "messagetime", "lytime", "createdate",
               "askdate", "addtime")
_REPLIED_KEYS = ("replytime", "answertime", "replydate", "handletime", "hftime", "finishtime")
_STATE_KEYS = ("status", "state", "replystatus", "handlestate", "handlestatus", "blzt")


def messages_from_json(payload, url: str) -> list[Message]:
    """The messages of a board's JSON data endpoint: records with a title, a link and the time
    asked; answered or not by a reply time or a state in words (a numeric state code is unknown)."""
    from .json_list import extract_json_list, json_records

    listed = {item.url: item for item in extract_json_list(payload, url)}
    messages = []
    for record, item_url in json_records(payload, url):
        item = listed.get(item_url)
        fields = {key.lower().replace("_", ""): value for key, value in record.items()}
        asked = next((parse_date(str(fields[k])) for k in _ASKED_KEYS if fields.get(k)), None)
        if item is None or asked is None:
            continue
        replied = next((parse_date(str(fields[k])) for k in _REPLIED_KEYS if fields.get(k)), None)
        state = next((str(fields[k]) for k in _STATE_KEYS if isinstance(fields.get(k), str)), "")
        messages.append(Message(item.title, item.url, asked, replied, _state(state, replied)))
    return messages
