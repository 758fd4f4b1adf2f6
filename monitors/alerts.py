"""``gkwatch alert``: send finding transitions to subscribers through Apprise, each exactly once.

The findings lifecycle (``monitors/findings.py``) writes one ``finding_events`` row per transition
(opened, escalated, reopened, resolved) in the check's own transaction. An alert run sends every
event not yet delivered to each subscriber's channel that wants it (agencies, region prefixes,
levels, minimum severity), as one digest per channel grouped by agency or one message per event,
and records every attempt in ``alerts`` (unique per event, subscriber and channel): a delivered
event is never sent again to that channel, a failed one is retried on the next run.

A channel is named ``notify[N]:scheme`` (its position in the subscriber's ``notify`` list and the
URL scheme), never by the URL, which may hold a secret.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import apprise
import requests
from apprise.decorators import notify as apprise_notify

from core.clock import iso
from core.config import Subscriber
from core.vocabulary import EVENTS, EVIDENCE_KEYS, SEVERITY_RANK, check_label, column_type_label, severity_label

from . import crawl_health

EVIDENCE_CHARS = 300
DIGEST_MAX = 50      # events per digest message: a backlog is split (DingTalk caps a message at 20 KB)


class AlertConfigError(ValueError):
    """A notification URL Apprise does not accept: reported before anything is sent."""


@dataclass
class Channel:
    subscriber: Subscriber
    name: str
    url: str


@dataclass
class Result:
    sent: int = 0          # (event, channel) deliveries recorded as sent by this run, and crawl-health messages
    failed: int = 0        # (event, channel) deliveries that failed (retried next run)
    messages: list = field(default_factory=list)   # {"subscriber", "channel", "title", "body", "ok", "events"}


def _crawl_health(conn, channel: Channel, datasette_url: str, db_name: str, result: Result, dry_run: bool) -> None:
    """An operator's channel also gets the latest crawl run's trouble, once (``monitors.crawl_health``)."""
    run_id = crawl_health.pending_run(conn, channel.subscriber.name, channel.name)
    link = f"{datasette_url.rstrip('/')}/{db_name}/crawl_health?crawl_run_id={run_id}"
    message = crawl_health.health_message(conn, run_id, link) if run_id else None
    if message is None:
        return
    title, body = message
    entry = {"subscriber": channel.subscriber.name, "channel": channel.name, "title": title, "body": body,
             "events": [], "crawl_run_id": run_id, "ok": None}
    result.messages.append(entry)
    if dry_run:
        return
    ok, error = deliver(channel.url, title, body)
    entry["ok"], entry["error"] = ok, error
    crawl_health.record(conn, run_id, channel.subscriber.name, channel.name, ok, error, iso())
    if ok:
        result.sent += 1
    else:
        result.failed += 1


# DingTalk-format webhooks to any host -------------------------------------------------------------
# Apprise's dingtalk:// always posts to oapi.dingtalk.com. dingtalkhook://HOST[:PORT]/PATH (http) and
# dingtalkhooks:// (https) post the same DingTalk robot body, {"msgtype": "markdown", "markdown":
# {"title", "text"}}, to a URL of your choice: a relay, a self-hosted gateway, or a test receiver.

def _dingtalk_hook(body, title, notify_type, meta, *args, **kwargs):
    scheme = "https" if meta.get("schema") == "dingtalkhooks" else "http"
    url = f"{scheme}://{meta['host']}" + (f":{meta['port']}" if meta.get("port") else "") + meta.get("fullpath", "/")
    text = f"#### {title}\n\n" + "\n".join(line + "  " for line in body.splitlines()) if title else body
    payload = {"msgtype": "markdown", "markdown": {"title": title or body[:30], "text": text}}
    try:
        response = requests.post(url, params=meta.get("qsd") or None, timeout=30,
                                 data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    except requests.RequestException as exc:
        logging.getLogger("apprise").warning(f"DingTalk hook {meta.get('host')}: {exc}")
        return False
    if response.status_code // 100 != 2:
        logging.getLogger("apprise").warning(f"DingTalk hook {meta.get('host')}: HTTP {response.status_code}")
        return False
    try:
        code = response.json().get("errcode", 0)
    except ValueError:
        code = 0
    if code:
        logging.getLogger("apprise").warning(f"DingTalk hook {meta.get('host')}: errcode {code}")
    return not code


for _schema in ("dingtalkhook", "dingtalkhooks"):
    apprise_notify(on=_schema, name="DingTalk-format webhook (gkwatch)")(_dingtalk_hook)


# channels -----------------------------------------------------------------------------------------

def channels(subscribers: list[Subscriber]) -> list[Channel]:
    """Every (subscriber, URL), each URL checked by Apprise first: AlertConfigError names the bad one."""
    found = []
    for n, sub in enumerate(subscribers, 1):
        for k, url in enumerate(sub.notify, 1):
            scheme = url.split("://", 1)[0] if "://" in url else "?"
            if not apprise.Apprise().add(url):
                raise AlertConfigError(
                    f"subscribers[{n}] {sub.name}: notify[{k}]: 无效的通知地址 (invalid notification URL), "
                    f"scheme {scheme!r}")
            found.append(Channel(sub, f"notify[{k}]:{scheme}", url))
    return found


# selection ----------------------------------------------------------------------------------------

_EVENTS_SQL = """
    SELECT e.id AS event_id, e.event, e.severity, e.as_of, f.id AS finding_id, f.agency_id, f.check_name,
           f.subject, f.message, f.evidence, f.rule, f.citation, f.first_seen, a.name AS agency_name,
           a.level, a.region_code
    FROM finding_events e
    JOIN findings f ON f.id = e.finding_id
    JOIN agencies a ON a.id = f.agency_id
    WHERE NOT EXISTS (SELECT 1 FROM alerts s WHERE s.event_id = e.id AND s.subscriber = ? AND s.channel = ?
                      AND s.status = 'sent')
    ORDER BY a.id, e.id"""


def wants(sub: Subscriber, event: dict) -> bool:
    if sub.agencies and event["agency_id"] not in sub.agencies:
        return False
    if sub.regions and not any((event["region_code"] or "").startswith(r) for r in sub.regions):
        return False
    if sub.levels and event["level"] not in sub.levels:
        return False
    return SEVERITY_RANK.get(event["severity"], 0) >= SEVERITY_RANK[sub.min_severity]


def pending(conn, channel: Channel) -> list[dict]:
    cursor = conn.execute(_EVENTS_SQL, [channel.subscriber.name, channel.name])
    names = [d[0] for d in cursor.description]
    return [e for e in (dict(zip(names, row)) for row in cursor) if wants(channel.subscriber, e)]


# templates ----------------------------------------------------------------------------------------

def finding_link(datasette_url: str, db_name: str, finding_id: int) -> str:
    return f"{datasette_url.rstrip('/')}/{db_name}/findings/{finding_id}"


def _evidence(text: str | None) -> str:
    try:
        evidence = json.loads(text or "{}")
    except ValueError:
        return (text or "")[:EVIDENCE_CHARS]
    for key in ("rule", "citation", "rule_source", "verification"):
        evidence.pop(key, None)
    evidence = {k: v for k, v in evidence.items() if v not in (None, False, [], {}, "") and k != "captures"}
    shown = "；".join(f"{EVIDENCE_KEYS.get(k, k)}：{column_type_label(v) if k == 'column_type' else _value(v)}"
                     for k, v in evidence.items())
    return shown if len(shown) <= EVIDENCE_CHARS else shown[:EVIDENCE_CHARS - 1] + "…"


def _value(value) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "、".join(value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)


def _check(event: dict) -> str:
    return f"{check_label(event['check_name'])}（{event['check_name']}）"


def _lines(event: dict, link: str) -> list[str]:
    return [
        f"检查：{_check(event)}",
        f"对象：{event['subject']}",
        f"说明：{event['message']}",
        f"证据：{_evidence(event['evidence'])}",
        f"依据：{event['citation'] or '—'}（规则 {event['rule'] or event['check_name']}）",
        f"首次发现：{event['first_seen']} · 检查日期：{event['as_of']}",
        f"链接：{link}",
    ]


def single_message(event: dict, link: str) -> tuple[str, str]:
    label = EVENTS[event["event"]].zh
    title = f"【政务公开监测】{label}：{event['agency_name']} · {check_label(event['check_name'])}"
    body = "\n".join([f"{label}（{severity_label(event['severity'])}）",
                      f"机构：{event['agency_name']}（{event['agency_id']}）", *_lines(event, link)])
    return title, body


def digest_message(events: list[dict], links: dict[int, str]) -> tuple[str, str]:
    agencies: dict[str, list[dict]] = {}
    for event in events:
        agencies.setdefault(event["agency_id"], []).append(event)
    counts = {name: sum(e["event"] == name for e in events) for name in EVENTS}
    title = f"【政务公开监测】告警汇总：{len(events)} 条变化 · {len(agencies)} 个机构"
    lines = [" · ".join(f"{EVENTS[name].zh} {counts[name]}" for name in EVENTS)]
    for agency_id, group in agencies.items():
        lines += ["", f"■ {group[0]['agency_name']}（{agency_id}）"]
        for k, event in enumerate(group, 1):
            lines.append(f"{k}. [{EVENTS[event['event']].zh}·{severity_label(event['severity'])}] "
                         f"{check_label(event['check_name'])}：{event['subject']}")
            lines += ["   " + line for line in _lines(event, links[event["event_id"]])[1:]]
    return title, "\n".join(lines)


# delivery -----------------------------------------------------------------------------------------

def deliver(url: str, title: str, body: str) -> tuple[bool, str | None]:
    sender = apprise.Apprise()
    sender.add(url)
    with apprise.LogCapture(level=logging.WARNING) as logs:
        ok = sender.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
    error = None if ok else (logs.getvalue().strip().splitlines() or ["delivery failed"])[-1][-500:]
    return bool(ok), error


def record(conn, event_ids: list[int], channel: Channel, ok: bool, error: str | None) -> None:
    now = iso()
    with conn:
        conn.executemany("""
            INSERT INTO alerts (event_id, subscriber, channel, status, attempts, last_error, first_tried_at, sent_at)
            VALUES (?, ?, ?, ?, 1, ?, ?, ?)
            ON CONFLICT (event_id, subscriber, channel) DO UPDATE SET
                status = excluded.status, attempts = alerts.attempts + 1, last_error = excluded.last_error,
                sent_at = excluded.sent_at""",
                         [(event_id, channel.subscriber.name, channel.name, "sent" if ok else "failed",
                           error, now, now if ok else None) for event_id in event_ids])


def run_alerts(db, db_path: str | Path, subscribers: list[Subscriber], datasette_url: str, *,
               dry_run: bool = False, digest: bool | None = None) -> Result:
    """Send what each channel has not had yet. ``digest`` overrides every subscriber's own choice."""
    conn = getattr(db, "conn", db)
    found = channels(subscribers)           # every URL validated before anything is sent
    db_name = Path(db_path).stem
    result = Result()
    for channel in found:
        if channel.subscriber.operator:
            _crawl_health(conn, channel, datasette_url, db_name, result, dry_run)
        events = pending(conn, channel)
        if not events:
            continue
        links = {e["event_id"]: finding_link(datasette_url, db_name, e["finding_id"]) for e in events}
        as_digest = channel.subscriber.digest if digest is None else digest
        batches = ([events[k:k + DIGEST_MAX] for k in range(0, len(events), DIGEST_MAX)] if as_digest
                   else [[e] for e in events])
        for batch in batches:
            title, body = (digest_message(batch, links) if as_digest
                           else single_message(batch[0], links[batch[0]["event_id"]]))
            message = {"subscriber": channel.subscriber.name, "channel": channel.name, "title": title,
                       "body": body, "events": [e["event_id"] for e in batch], "ok": None}
            result.messages.append(message)
            if dry_run:
                continue
            ok, error = deliver(channel.url, title, body)
            message["ok"], message["error"] = ok, error
            record(conn, message["events"], channel, ok, error)
            if ok:
                result.sent += len(batch)
            else:
                result.failed += len(batch)
    return result
