"""Issue 9 items 15 and 16: values in words in the bot and the CLI, in both languages."""

from __future__ import annotations

import pytest

from bot.i18n import Translator
from handlers import labels

ZH, EN = Translator("zh_CN"), Translator("en")


@pytest.mark.parametrize(("ratio", "shown"), [
    ("0.002", "0.2%"), ("0.05", "5%"), ("0.03", "3%"), ("5%", "5%"), ("0.25", "25%"),
    ("1", "100%"), ("abc", "abc"),
])
def test_ratios_are_percentages(ratio: str, shown: str) -> None:
    assert labels.percent(ratio) == shown


def test_sample_scope_counts_and_actions_in_words() -> None:
    sample = {"B": {"ratio": "0.002"}, "A": {"count": 3}}
    assert labels.sample_text(sample, ZH) == "A 类 3 个、B 类 0.2%"
    assert labels.sample_text(sample, EN) == "class A 3, class B 0.2%"
    scope = {"kinds": ["enterprise", "individual"], "districts": ["鄂城区"]}
    assert labels.scope_or_all(scope, ZH) == "主体类型：企业、个体工商户；区域：鄂城区"
    assert labels.scope_or_all(scope, EN) == "kinds: enterprise, individual business; " \
        "districts: 鄂城区"
    assert labels.scope_or_all({}, ZH) == "全部检查对象"
    excluded = {"deregistered": 25, "inspected-within-12-months": 4, "inactive": 1}
    assert labels.counts_text(excluded, ZH) == "注销 25、12 个月内已检查过 4、非存续 1"
    assert labels.counts_text(excluded, EN) == \
        "deregistered 25, inspected within 12 months 4, not active 1"
    assert labels.action_names(["start"], ZH) == "开始检查"
    assert labels.action_names(["submit", "publish"], EN) == \
        "submit for review, publish the results"
    assert labels.action_names(["start"], ZH, with_codes=True) == "开始检查（start）"
    for text in (labels.sample_text(sample, ZH), labels.scope_or_all(scope, ZH),
                 labels.counts_text(excluded, ZH)):
        assert "enterprise" not in text
        assert "0.002" not in text
        assert "{" not in text
