"""Personal information on a published page: resident ID numbers and mainland mobile numbers.

A resident ID number (GB 11643-1999) is 18 characters: a region code whose first two digits are a
province, a birth date, a sequence number and a check character computed from the other 17. Only a
number that passes all three is one: an order number or a bank-card-like number that merely has 18
digits almost never does, and one written after 账号/卡号/订单号… is not taken at all. A mobile number
is 11 digits starting 13–19. Neither may be a piece of a longer run of digits.

Numbers leave this module only masked (``3401**********123X``, ``138****5678``): the full number is
never returned, and ``mask_text`` / ``mask_bytes`` mask them in what is kept (an item's text, a
captured page). A mask has the number's length, so offsets in a page do not move.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
              50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
# Not inside a longer run of letters and digits: an attachment named by its hash (…d13436625454d6a…)
# holds no mobile number (the national benchmark read two such as 手机号码 on clean agencies).
_MOBILE = re.compile(r"(?<![0-9A-Za-z.\-])(?:\+?86[- ]?)?(1[3-9]\d{9})(?![0-9A-Za-z.])")
# Account, card and order numbers are written after their name; an ID number is not one of them.
_NOT_A_PERSON = re.compile(r"(账号|帐号|账户|卡号|银行|订单|流水号|单号|编号|编码|代码|批号|登记号|文号)[^\d\n]{0,8}$")


@dataclass(frozen=True)
class Disclosure:
    kind: str        # id_card | mobile
    masked: str

    def to_json(self, where: str) -> dict:
        return {"kind": self.kind, "masked": self.masked, "where": where}


def is_resident_id(number: str, today: dt.date | None = None) -> bool:
    """Whether an 18-character string is a valid resident ID number (province, birth date, check)."""
    if len(number) != 18 or not number[:17].isdigit() or int(number[:2]) not in _PROVINCES:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= (today or dt.date.today()):
        return False
    return _CHECK[sum(int(d) * w for d, w in zip(number, _WEIGHTS)) % 11] == number[17].upper()


def mask(kind: str, number: str) -> str:
    if kind == "id_card":
        return number[:4] + "*" * 10 + number[14:].upper()
    return number[:3] + "****" + number[7:]


def find_personal_numbers(text: str, today: dt.date | None = None) -> list[Disclosure]:
    """The resident ID and mobile numbers in a text, in order of appearance, each once."""
    return [Disclosure(kind, mask(kind, number)) for kind, number, _ in _numbers(text, today)]


def mask_text(text: str, today: dt.date | None = None) -> str:
    """The text with every personal number masked."""
    for kind, number, _ in _numbers(text, today):
        for spelling in {number, number.upper(), number.lower()}:
            text = text.replace(spelling, mask(kind, number))
    return text


def mask_bytes(body: bytes) -> bytes:
    """A page's bytes, in whatever ASCII-compatible encoding, with every personal number masked
    (digits are the same bytes in UTF-8, GBK and GB18030; the context of a number is not read here,
    so an archive masks more rather than less)."""
    def masked_id(match: re.Match) -> bytes:
        number = match.group(1).decode()
        return mask("id_card", number).encode() if is_resident_id(number) else match.group(1)

    body = _ID_BYTES.sub(masked_id, body)
    return _MOBILE_BYTES.sub(lambda m: mask("mobile", m.group(1).decode()).encode(), body)


_ID_BYTES = re.compile(rb"(?<!\d)(\d{17}[\dXx])(?!\d)")
_MOBILE_BYTES = re.compile(rb"(?<![\d.])(1[3-9]\d{9})(?![\d.])")


def _numbers(text: str, today: dt.date | None) -> list[tuple[str, str, int]]:
    """(kind, number, position of its first appearance) of each personal number, once each."""
    found: dict[tuple[str, str], tuple[str, str, int]] = {}
    for match in _ID.finditer(text):
        number = match.group(1)
        if is_resident_id(number, today) and not _NOT_A_PERSON.search(text[max(0, match.start() - 20):match.start()]):
            found.setdefault(("id_card", number.upper()), ("id_card", number, match.start()))
    for match in _MOBILE.finditer(text):
        if not _NOT_A_PERSON.search(text[max(0, match.start() - 20):match.start()]):
            found.setdefault(("mobile", match.group(1)), ("mobile", match.group(1), match.start(1)))
    return sorted(found.values(), key=lambda found_at: found_at[2])
