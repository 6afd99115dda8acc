"""Parse modes as Telegram reads them: plain text + UTF-16 entities, or Telegram's error."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.entities import ParseError, parse, parse_html, parse_markdown_v2, utf16_len

# text without surrounding whitespace (Telegram trims it) and without lone surrogates
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80,
).map(str.strip).filter(bool)


@given(TEXT)
def test_escaped_html_round_trips_to_the_same_text(text: str) -> None:
    plain, entities = parse(html.escape(text, quote=False), "HTML")
    assert plain == text
    assert all(e["type"] in {"bot_command", "url", "email", "mention", "hashtag"}
               for e in entities)


@given(TEXT)
def test_fully_escaped_markdown_v2_round_trips(text: str) -> None:
    escaped = "".join("\\" + c if c in "_*[]()~`>#+-=|{}.!\\" else c for c in text)
    plain, _ = parse(escaped, "MarkdownV2")
    assert plain == text


@given(TEXT, TEXT)
def test_bold_entity_covers_exactly_the_bold_part_in_utf16(before: str, bold: str) -> None:
    source = html.escape(before, quote=False) + " <b>" + html.escape(bold, quote=False) + "</b>"
    plain, entities = parse(source, "HTML")
    [entity] = [e for e in entities if e["type"] == "bold"]
    assert entity["offset"] == utf16_len(before) + 1
    assert entity["length"] == utf16_len(bold)
    assert plain == f"{before} {bold}"


@given(st.text(max_size=60))
def test_parsers_either_parse_or_raise_telegrams_error(source: str) -> None:
    for parser in (parse_html, parse_markdown_v2):
        try:
            plain, entities = parser(source)
        except ParseError as error:
            message = str(error)
            assert message  # Telegram always says what is wrong
            continue
        for entity in entities:
            assert entity["offset"] >= 0
            assert entity["offset"] + entity["length"] <= utf16_len(plain)


@pytest.mark.parametrize(("source", "plain", "entities"), [
    ("<b>粗</b><i>斜</i><u>下</u><s>删</s>", "粗斜下删", [
        {"offset": 0, "length": 1, "type": "bold"}, {"offset": 1, "length": 1, "type": "italic"},
        {"offset": 2, "length": 1, "type": "underline"},
        {"offset": 3, "length": 1, "type": "strikethrough"}]),
    ('<pre><code class="language-python">x = 1</code></pre>', "x = 1",
     [{"offset": 0, "length": 5, "type": "pre", "language": "python"}]),
    ('<span class="tg-spoiler">秘</span><tg-spoiler>密</tg-spoiler>', "秘密", [
        {"offset": 0, "length": 1, "type": "spoiler"},
        {"offset": 1, "length": 1, "type": "spoiler"}]),
    ('<a href="tg://user?id=42">张三</a>', "张三", [
        {"offset": 0, "length": 2, "type": "text_mention",
         "user": {"id": 42, "is_bot": False, "first_name": ""}}]),
    ("<blockquote expandable>引用</blockquote>", "引用",
     [{"offset": 0, "length": 2, "type": "expandable_blockquote"}]),
    ("&#128512;&#x4E2D; &amp;&quot; & 不是实体", '😀中 &" & 不是实体', []),
    ("  <b>  首尾空白被去掉 </b>  ", "首尾空白被去掉", [
        {"offset": 0, "length": 7, "type": "bold"}]),
])
def test_html_entities(source: str, plain: str, entities: list[dict[str, object]]) -> None:
    assert parse(source, "HTML") == (plain, entities)


@pytest.mark.parametrize(("source", "error"), [
    ("<b>粗", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b>粗</i>", 'Unmatched end tag at byte offset 6, expected "</b>", found "</i>"'),
    ("粗</b>", "Unexpected end tag at byte offset 3"),
    ("<div>", 'Unsupported start tag "div" at byte offset 0'),
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("<b", "Unclosed start tag at byte offset 0"),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
])
def test_html_errors(source: str, error: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_html(source)
    assert str(caught.value) == error


@pytest.mark.parametrize(("source", "plain", "types"), [
    ("*粗* _斜_ __下__ ~删~ ||秘||", "粗 斜 下 删 秘",
     ["bold", "italic", "underline", "strikethrough", "spoiler"]),
    ("`a.b` ```py\nx.y```", "a.b x.y", ["code", "pre"]),
    ("[详情](https://example.org/a\\)b)", "详情", ["text_link"]),
    ("共 3\\.5 天\\!", "共 3.5 天!", []),
])
def test_markdown_v2(source: str, plain: str, types: list[str]) -> None:
    text, entities = parse(source, "MarkdownV2")
    assert text == plain
    assert [e["type"] for e in entities] == types


@pytest.mark.parametrize(("source", "error"), [
    ("截止 3.5", "Character '.' is reserved and must be escaped with the preceding '\\'"),
    ("a-b", "Character '-' is reserved and must be escaped with the preceding '\\'"),
    ("前*粗", "Can't find end of the entity starting at byte offset 3"),
])
def test_markdown_v2_errors(source: str, error: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_markdown_v2(source)
    assert str(caught.value) == error


def test_auto_entities_commands_links_and_not_inside_code() -> None:
    plain, entities = parse("/tasks@jointcheck_bot 见 https://example.org/x, @zhangsan #抽查 "
                            "<code>/notacommand</code>", "HTML")
    found = [(e["type"], plain[e["offset"]:e["offset"] + e["length"]]) for e in entities]
    assert found == [("bot_command", "/tasks@jointcheck_bot"), ("url", "https://example.org/x"),
                     ("mention", "@zhangsan"), ("hashtag", "#抽查"), ("code", "/notacommand")]
