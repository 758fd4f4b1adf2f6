"""Personal numbers on published pages: resident ID numbers that pass GB 11643 and mobile numbers,
found and masked; look-alike numbers (orders, bank cards, dates, fixed lines) are not."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from extract.privacy import find_personal_numbers, is_resident_id, mask, mask_bytes, mask_text

TODAY = dt.date(2026, 12, 7)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(first17: str) -> str:
    """A synthetic number with its correct check character (no real person's)."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


ID_A = resident_id("34010219850312002")      # 合肥, born 1985-03-12
ID_X = next(resident_id(f"3201061990072{n:04d}")[:18] for n in range(10000)
            if resident_id(f"3201061990072{n:04d}").endswith("X"))
WRONG_CHECK = ID_A[:17] + str((int(ID_A[17]) + 1) % 10 if ID_A[17].isdigit() else 0)
BAD_BIRTH = resident_id("34010219851345002")  # month 13
FUTURE = resident_id("34010220300101002")
NO_PROVINCE = resident_id("99010219850312002")


def test_synthetic_numbers_are_what_they_claim():
    assert is_resident_id(ID_A, TODAY) and is_resident_id(ID_X, TODAY)
    assert not any(is_resident_id(n, TODAY) for n in (WRONG_CHECK, BAD_BIRTH, FUTURE, NO_PROVINCE))


def test_ids_and_mobiles_found_and_masked_once_each():
    text = (f"申请人张某，身份证号码：{ID_A}，联系电话：13812345678。另一申请人身份证 {ID_X.lower()}，"
            f"手机 +86 159-0000-1111 不算（写法带分隔符），再次出现 {ID_A}；手机13812345678。")
    found = find_personal_numbers(text, today=TODAY)
    assert [(d.kind, d.masked) for d in found] == [
        ("id_card", ID_A[:4] + "**********" + ID_A[14:]),
        ("mobile", "138****5678"),
        ("id_card", ID_X[:4] + "**********" + ID_X[14:]),
    ]
    assert all(ID_A not in d.masked and "13812345678" not in d.masked for d in found)


def test_look_alike_numbers_are_not_personal():
    text = (f"订单号：{ID_A}；银行卡号 6222021234567890123；卡 6217002870001234；"
            f"编号 {WRONG_CHECK}、{BAD_BIRTH}、{FUTURE}、{NO_PROVINCE}；日期 20240105、2024010512345；"
            "固定电话 0551-62345678；流水 1381234567890；统一社会信用代码 91340100MA2N0X1234；"
            "金额 13812345678.00 元；附件 /attach/0/4cfd970710d13436625454d6a06933e1.pdf")
    assert find_personal_numbers(text, today=TODAY) == []


def test_masked_text_and_bytes_keep_no_full_number():
    text = f"<p>申请人身份证号码：{ID_A}，手机：13812345678，订单号：{WRONG_CHECK}</p>"
    masked = mask_text(text, today=TODAY)
    assert masked == (f"<p>申请人身份证号码：{ID_A[:4]}**********{ID_A[14:]}，手机：138****5678，"
                      f"订单号：{WRONG_CHECK}</p>")
    for encoding in ("utf-8", "gbk"):
        body = text.encode(encoding)
        assert mask_bytes(body) == masked.encode(encoding)   # same length, same bytes around


@pytest.mark.parametrize("kind, number, masked", [
    ("id_card", "11010519491231002X", "1101**********002X"),
    ("mobile", "19912345678", "199****5678"),
])
def test_mask(kind, number, masked):
    assert mask(kind, number) == masked


def test_extract_detail_reports_masked_numbers_and_no_look_alikes():
    from .conftest import FILES, run_gkwatch

    shown = json.loads(run_gkwatch("extract", "detail", FILES / "extract" / "privacy_detail.html",
                                   "--url", "http://swj.qingchuan.example.gov.cn/xxgk/t1.html").stdout)
    assert shown["privacy"] == [{"kind": "id_card", "masked": "3401**********0024", "where": "page"},
                                {"kind": "mobile", "masked": "138****5678", "where": "page"}]
    assert "340102198503120024" not in shown["text"] and "3401**********0024" in shown["text"]
    assert "13812345678" not in shown["text"] and "0551-62345678" in shown["text"]   # an office line stays
    look_alikes = json.loads(run_gkwatch("extract", "detail", FILES / "extract" / "privacy_lookalikes_detail.html",
                                         "--url", "http://swj.qingchuan.example.gov.cn/xxgk/t2.html").stdout)
    assert look_alikes["privacy"] == []
    assert "202609170001234567" in look_alikes["text"] and "6222021234567890123" in look_alikes["text"]
