"""Enumerations of the directories as data: a stable code, a Chinese and an English label.

Files written by officials carry the Chinese label (or a common synonym); the database keeps the
code. ``lookup`` maps every accepted spelling to its code, so validation is one dict lookup.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    """One value of an enumeration."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, language: str) -> str:
        """The label to show in ``language`` (``en`` or Chinese)."""
        return self.en if language == "en" else self.zh


def fold(text: str) -> str:
    """Normalise a spelling for lookups: full-width to half-width, no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


@dataclass(frozen=True)
class Enumeration:
    """An ordered set of choices with a lookup from every accepted spelling to the code."""

    name: str
    choices: tuple[Choice, ...]
    lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, str] = {}
        for choice in self.choices:
            for spelling in (choice.code, choice.zh, choice.en, *choice.aliases):
                table[fold(spelling)] = choice.code
        object.__setattr__(self, "lookup", table)

    @property
    def codes(self) -> tuple[str, ...]:
        """The stored codes, in order."""
        return tuple(c.code for c in self.choices)

    def get(self, code: str) -> Choice:
        """The choice with ``code``."""
        for choice in self.choices:
            if choice.code == code:
                return choice
        raise KeyError(code)

    def parse(self, text: str) -> str | None:
        """The code for an accepted spelling, or ``None``."""
        return self.lookup.get(fold(text))

    def label(self, code: str, language: str = "zh_CN") -> str:
        """The label of ``code`` in ``language``; unknown codes are shown as they are."""
        try:
            return self.get(code).label(language)
        except KeyError:
            return code

    def labels(self, language: str = "zh_CN") -> str:
        """All labels, for an error message listing what is allowed."""
        sep = ", " if language == "en" else "、"
        return sep.join(c.label(language) for c in self.choices)

    def parse_many(self, texts: Iterable[str]) -> list[str | None]:
        """``parse`` applied to each spelling."""
        return [self.parse(t) for t in texts]


# 检查对象类型 (Art. 8): market entities and also products, projects and behaviours.
SUBJECT_KINDS = Enumeration(
    "subject_kind",
    (
        Choice(
            "enterprise", "企业", "enterprise", ("企业法人", "公司", "农民专业合作社", "合作社")
        ),
        Choice(
            "individual", "个体工商户", "individual business", ("个体户", "个体", "individual")
        ),
        Choice("product", "产品", "product"),
        Choice("project", "项目", "project"),
        Choice("behaviour", "行为", "behaviour", ("behavior",)),
    ),
)
# Kinds identified by a USCC; products, projects and behaviours carry another identifier.
USCC_KINDS = frozenset({"enterprise", "individual"})

# 登记状态, as the registration systems spell them.
SUBJECT_STATUSES = Enumeration(
    "subject_status",
    (
        Choice(
            "active",
            "存续",
            "active",
            ("在营", "存续（在营、开业、在册）", "在业", "开业", "在册", "正常", "存续(在营)"),
        ),
        Choice("suspended", "停业", "suspended", ("歇业",)),
        Choice("deregistered", "注销", "deregistered", ("已注销",)),
        Choice("revoked", "吊销", "revoked", ("已吊销", "吊销未注销")),
        Choice("cancelled", "撤销", "cancelled", ("已撤销", "canceled")),
        Choice("moved_out", "迁出", "moved out", ("已迁出", "moved-out", "moved_out")),
    ),
)
# Statuses under which a subject no longer trades (excluded from draws by the draw service).
INACTIVE_STATUSES = frozenset({"deregistered", "revoked", "cancelled", "moved_out"})

# 信用风险分类: A (low) to D (high).
RISK_CLASSES = Enumeration(
    "risk_class",
    (
        Choice("A", "A类（信用风险低）", "A (low risk)", ("A类", "信用风险低", "低风险", "低")),
        Choice(
            "B",
            "B类（信用风险一般）",
            "B (moderate risk)",
            ("B类", "信用风险一般", "一般风险", "一般"),
        ),
        Choice(
            "C",
            "C类（信用风险较高）",
            "C (elevated risk)",
            ("C类", "信用风险较高", "较高风险", "较高"),
        ),
        Choice("D", "D类（信用风险高）", "D (high risk)", ("D类", "信用风险高", "高风险", "高")),
    ),
)

# 检查方式 (Art. 15).
METHODS = Enumeration(
    "method",
    (
        Choice("onsite", "实地核查", "on-site check", ("实地检查", "现场检查", "on-site")),
        Choice("document", "书面检查", "document review", ("书面审查", "document")),
        Choice("online", "网络监测", "online monitoring", ("网络检查", "online")),
        Choice("sampling", "抽样检测", "sampling test", ("抽样检验", "抽检", "sampling")),
    ),
)

# 专家名录库 (Art. 9): experts and scholars, testing institutions, research institutes.
EXPERT_KINDS = Enumeration(
    "expert_kind",
    (
        Choice("expert", "专家", "expert", ("专家学者", "个人")),
        Choice(
            "institution",
            "检测机构",
            "testing institution",
            ("检验检测机构", "机构", "institution"),
        ),
        Choice("research", "科研院所", "research institute", ("科研机构", "research")),
    ),
)

ALL = (SUBJECT_KINDS, SUBJECT_STATUSES, RISK_CLASSES, METHODS, EXPERT_KINDS)
