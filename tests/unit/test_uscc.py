"""GB 32100-2015: the USCC character set and check character, on real and generated codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.directories import uscc

# Real codes as published by their holders (business licences, site footers, annual reports).
REAL_CODES = [
    "91350100M000100Y43",  # the worked example of GB 32100-2015 itself
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91110000710926094P",  # 中国石油化工股份有限公司
    "91440300MA5H0HLK5U",  # 柯兴科技（深圳）有限公司, from its site footer
    "91320891MAKML1457M",  # 迈德瑞（淮安）智能装备科技有限公司, from its site footer
    "914403007703327657",
    "91133100MA0D8N1J7G",
]
# Published with a check character that does not match (typos in the wild), and the fix.
MISPRINTED = [("91330100MA28H1F12Q", "L"), ("91420100MA4K2F9H6F", "U")]

bodies = st.tuples(
    st.text(alphabet=uscc.ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9),
).map("".join)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_are_valid(code: str) -> None:
    assert uscc.problem(code) is None
    assert uscc.check_character(code[:17]) == code[17]


@pytest.mark.parametrize(("code", "expected"), MISPRINTED)
def test_published_codes_with_a_wrong_check_character_are_rejected(
    code: str, expected: str
) -> None:
    assert uscc.problem(code) == "check"
    assert uscc.expected_check(code) == expected
    assert uscc.is_valid(code[:17] + expected)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_with_their_check_character_changed_are_rejected(code: str) -> None:
    for other in uscc.ALPHABET:
        if other != code[17]:
            assert uscc.problem(code[:17] + other) == "check"


@given(bodies)
def test_the_computed_check_character_makes_any_body_valid(body: str) -> None:
    assert uscc.is_valid(body + uscc.check_character(body))


@given(bodies, st.integers(min_value=0, max_value=17), st.characters())
def test_a_valid_code_with_any_single_character_changed_is_rejected(
    body: str, position: int, replacement: str
) -> None:
    code = body + uscc.check_character(body)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert not uscc.is_valid(changed)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100m000100Y43", "charset"),  # lower case is outside the set
        ("91350100M0001O0Y43", "charset"),  # the letter O is not used
        ("91350100M000100Y4Ｚ", "charset"),
        ("9135A100M000100Y43", "division"),
    ],
)
def test_malformed_codes_say_what_is_wrong(code: str, reason: str) -> None:
    assert uscc.problem(code) == reason


def test_organisation_code_check_digit_follows_gb_11714() -> None:
    # 91350100M000100Y43 embeds the organisation code M000100Y4
    assert uscc.organisation_check("M000100Y") == "4"
    # 华为's organisation code 19220382-1
    assert uscc.organisation_check("19220382") == "1"
