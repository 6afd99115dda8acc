"""Telegram's parse modes (HTML, MarkdownV2, Markdown) turned into plain text plus entities.

The emulator answers exactly as the Bot API does: the stored message holds the text with the
markup removed and a list of ``MessageEntity`` dicts whose ``offset``/``length`` count UTF-16
code units; bad markup raises ``ParseError`` whose message is what follows
"Bad Request: can't parse entities: " in Telegram's reply (byte offsets are UTF-8 bytes).
Auto-detected entities (bot commands, URLs, mentions, hashtags, e-mails) are added the way
Telegram adds them to every text message.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]


class ParseError(ValueError):
    """Markup Telegram would refuse; ``str(error)`` is Telegram's own wording."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


# --- HTML ------------------------------------------------------------------------------------

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_ALL_TAGS = set(_SIMPLE_TAGS) | {"a", "span", "tg-emoji"}
_HTML_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_TAG_NAME = re.compile(r"[A-Za-z0-9-]*")
_ATTR = re.compile(
    r"""\s*([A-Za-z0-9_-]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""",
)


@dataclass
class _Open:
    tag: str
    byte_offset: int
    utf16_start: int
    attrs: dict[str, str] = field(default_factory=dict)


def _decode_entity(source: str, pos: int) -> tuple[str, int] | None:
    """Decode an HTML entity at ``source[pos] == '&'``; None means a literal ampersand."""
    match = _HTML_ENTITY.match(source, pos)
    if not match:
        return None
    body = match.group(1)
    if body.startswith(("#x", "#X")):
        code = int(body[2:], 16)
    elif body.startswith("#"):
        code = int(body[1:])
    else:
        return {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[body], match.end()
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Parse Telegram-flavoured HTML into plain text and entities (TDLib's rules and errors)."""
    out: list[str] = []
    out_utf16 = 0
    entities: list[Entity] = []
    stack: list[_Open] = []
    pos = 0
    n = len(source)

    def byte_at(index: int) -> int:
        return len(source[:index].encode("utf-8"))

    while pos < n:
        char = source[pos]
        if char == "&":
            decoded = _decode_entity(source, pos)
            piece, pos = (decoded if decoded else ("&", pos + 1))
            out.append(piece)
            out_utf16 += utf16_len(piece)
            continue
        if char != "<":
            end = pos
            while end < n and source[end] not in "<&":
                end += 1
            piece = source[pos:end]
            out.append(piece)
            out_utf16 += utf16_len(piece)
            pos = end
            continue
        begin = pos
        if pos + 1 < n and source[pos + 1] == "/":
            close = source.find(">", pos)
            if close == -1:
                raise ParseError(f"Unclosed end tag at byte offset {byte_at(begin)}")
            name = source[pos + 2 : close].strip().lower()
            if not stack:
                raise ParseError(f"Unexpected end tag at byte offset {byte_at(begin)}")
            opened = stack[-1]
            if name != opened.tag:
                raise ParseError(
                    f"Unmatched end tag at byte offset {byte_at(begin)}, "
                    f'expected "</{opened.tag}>", found "</{name}>"'
                )
            stack.pop()
            entity = _html_entity(opened, out_utf16, stack)
            if entity is not None:
                entities.append(entity)
            pos = close + 1
            continue
        name_match = _TAG_NAME.match(source, pos + 1)
        assert name_match is not None  # the pattern matches the empty string
        name = name_match.group(0).lower()
        if name not in _ALL_TAGS:
            raise ParseError(f'Unsupported start tag "{name}" at byte offset {byte_at(begin)}')
        pos = name_match.end()
        attrs: dict[str, str] = {}
        while True:
            if pos >= n:
                raise ParseError(f"Unclosed start tag at byte offset {byte_at(begin)}")
            if source[pos] == ">":
                pos += 1
                break
            if source[pos].isspace():
                pos += 1
                continue
            attr = _ATTR.match(source, pos)
            if not attr or attr.end() == pos:
                raise ParseError(f'Empty attribute name in the tag "{name}" at byte offset '
                                 f"{byte_at(begin)}")
            value = attr.group(2) or ""
            if value[:1] in {'"', "'"}:
                value = value[1:-1]
            attrs[attr.group(1).lower()] = html.unescape(value)
            pos = attr.end()
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise ParseError('Tag "span" must have class "tg-spoiler"')
        stack.append(_Open(name, byte_at(begin), out_utf16, attrs))
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return "".join(out), entities


def _html_entity(opened: _Open, end_utf16: int, stack: list[_Open]) -> Entity | None:
    length = end_utf16 - opened.utf16_start
    if length <= 0:
        return None
    entity: Entity = {"offset": opened.utf16_start, "length": length}
    tag = opened.tag
    if tag == "a":
        href = opened.attrs.get("href", "")
        user = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if user:
            entity.update(type="text_mention", user={"id": int(user.group(1)), "is_bot": False,
                                                      "first_name": ""})
        elif href:
            entity.update(type="text_link", url=href)
        else:
            return None
    elif tag == "span":
        entity["type"] = "spoiler"
    elif tag == "tg-emoji":
        entity.update(type="custom_emoji", custom_emoji_id=opened.attrs.get("emoji-id", ""))
    elif tag == "code" and stack and stack[-1].tag == "pre":
        # <pre><code class="language-x"> names the language of the enclosing pre block
        language = opened.attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].attrs["language"] = language.removeprefix("language-")
        return None
    elif tag == "pre":
        entity["type"] = "pre"
        if opened.attrs.get("language"):
            entity["language"] = opened.attrs["language"]
    elif tag == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in opened.attrs else "blockquote"
    else:
        entity["type"] = _SIMPLE_TAGS[tag]
    return entity


# --- MarkdownV2 ------------------------------------------------------------------------------

_RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2 into plain text and entities, refusing unescaped reserved characters."""
    out: list[str] = []
    out_utf16 = 0
    entities: list[Entity] = []
    # each open entity: (marker, byte offset, utf16 start, extra)
    stack: list[tuple[str, int, int, dict[str, str]]] = []
    pos = 0
    n = len(source)

    def byte_at(index: int) -> int:
        return len(source[:index].encode("utf-8"))

    def emit(piece: str) -> None:
        nonlocal out_utf16
        out.append(piece)
        out_utf16 += utf16_len(piece)

    while pos < n:
        char = source[pos]
        in_code = bool(stack) and stack[-1][0] in {"`", "```"}
        if char == "\\" and pos + 1 < n and 0 < ord(source[pos + 1]) <= 126:
            emit(source[pos + 1])
            pos += 2
            continue
        if in_code:
            fence = stack[-1][0]
            if source.startswith(fence, pos):
                _, _, start, extra = stack.pop()
                kind = "code" if fence == "`" else "pre"
                if out_utf16 > start:
                    entity: Entity = {"type": kind, "offset": start, "length": out_utf16 - start}
                    if extra.get("language"):
                        entity["language"] = extra["language"]
                    entities.append(entity)
                pos += len(fence)
                continue
            emit(char)
            pos += 1
            continue
        if char not in _RESERVED_V2:
            emit(char)
            pos += 1
            continue
        # a reserved character: either it opens/closes an entity or it is an error
        if source.startswith("```", pos):
            newline = source.find("\n", pos + 3)
            language = ""
            skip = 3
            if newline != -1 and re.fullmatch(r"[A-Za-z0-9_+-]*", source[pos + 3 : newline]):
                language = source[pos + 3 : newline]
                skip = newline + 1 - pos
            stack.append(("```", byte_at(pos), out_utf16, {"language": language}))
            pos += skip
            continue
        marker = None
        for candidate in ("__", "||", "*", "_", "~", "`", "[", "]"):
            if source.startswith(candidate, pos):
                marker = candidate
                break
        if marker is None:
            raise ParseError(f"Character '{char}' is reserved and must be escaped with the "
                             "preceding '\\'")
        if marker == "]":
            if not stack or stack[-1][0] != "[":
                raise ParseError("Character ']' is reserved and must be escaped with the "
                                 "preceding '\\'")
            _, _, start, _ = stack.pop()
            pos += 1
            if pos < n and source[pos] == "(":
                end = pos + 1
                url_chars: list[str] = []
                while end < n and source[end] != ")":
                    if source[end] == "\\" and end + 1 < n:
                        end += 1
                    url_chars.append(source[end])
                    end += 1
                if end >= n:
                    raise ParseError(f"Can't find end of a url at byte offset {byte_at(pos)}")
                url = "".join(url_chars)
                if out_utf16 > start and url:
                    entities.append({"type": "text_link", "offset": start,
                                     "length": out_utf16 - start, "url": url})
                pos = end + 1
            continue
        if stack and stack[-1][0] == marker:
            _, _, start, _ = stack.pop()
            kind = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough",
                    "||": "spoiler"}[marker]
            if out_utf16 > start:
                entities.append({"type": kind, "offset": start, "length": out_utf16 - start})
            pos += len(marker)
            continue
        stack.append((marker, byte_at(pos), out_utf16, {}))
        pos += len(marker)
    if stack:
        raise ParseError(f"Can't find end of the entity starting at byte offset {stack[-1][1]}")
    return "".join(out), entities


def parse_markdown(source: str) -> tuple[str, list[Entity]]:
    """Parse legacy Markdown (``*bold*``, ``_italic_``, `` `code` ``, ``[text](url)``)."""
    out: list[str] = []
    out_utf16 = 0
    entities: list[Entity] = []
    pos = 0
    n = len(source)

    def byte_at(index: int) -> int:
        return len(source[:index].encode("utf-8"))

    while pos < n:
        char = source[pos]
        if char not in "*_`[":
            out.append(char)
            out_utf16 += utf16_len(char)
            pos += 1
            continue
        begin = pos
        if char == "[":
            close = source.find("](", pos)
            end = source.find(")", close + 2) if close != -1 else -1
            if close == -1 or end == -1:
                raise ParseError(f"Can't find end of the entity starting at byte offset "
                                 f"{byte_at(begin)}")
            inner = source[pos + 1 : close]
            start = out_utf16
            out.append(inner)
            out_utf16 += utf16_len(inner)
            if inner:
                entities.append({"type": "text_link", "offset": start, "length": utf16_len(inner),
                                 "url": source[close + 2 : end]})
            pos = end + 1
            continue
        marker = "```" if source.startswith("```", pos) else char
        end = source.find(marker, pos + len(marker))
        if end == -1:
            raise ParseError(f"Can't find end of the entity starting at byte offset "
                             f"{byte_at(begin)}")
        inner = source[pos + len(marker) : end]
        start = out_utf16
        out.append(inner)
        out_utf16 += utf16_len(inner)
        kind = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}[marker]
        if inner:
            entities.append({"type": kind, "offset": start, "length": utf16_len(inner)})
        pos = end + len(marker)
    return "".join(out), entities


# --- automatic entities and trimming ------------------------------------------------------------

_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)"
    r"|(?P<email>\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b)"
    r"|(?P<url>\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]'])"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{5,32}\b)"
    r"|(?P<hashtag>(?<![\w#])#\w+)"
)
_EXPLICIT_BLOCKERS = {"code", "pre", "text_link", "url", "email", "bot_command", "mention"}


def _utf16_index(text: str) -> list[int]:
    index = [0]
    for char in text:
        index.append(index[-1] + (2 if ord(char) > 0xFFFF else 1))
    return index


def auto_entities(text: str, explicit: list[Entity]) -> list[Entity]:
    """Entities Telegram detects by itself (commands, links, mentions...) not inside code/links."""
    index = _utf16_index(text)
    blocked = [
        (e["offset"], e["offset"] + e["length"]) for e in explicit
        if e["type"] in _EXPLICIT_BLOCKERS
    ]
    found: list[Entity] = []
    for match in _AUTO.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        start, end = index[match.start()], index[match.end()]
        if any(s < end and start < e for s, e in blocked):
            continue
        found.append({"type": kind, "offset": start, "length": end - start})
    return found


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Telegram's order: by offset, longer first at the same offset."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def strip_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace as Telegram does, keeping the entities aligned."""
    stripped_left = text.lstrip()
    lead = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip()
    total = utf16_len(result)
    adjusted: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            adjusted.append({**entity, "offset": start, "length": end - start})
    return result, adjusted


def parse(text: str, parse_mode: str | None, explicit: list[Entity] | None = None,
          ) -> tuple[str, list[Entity]]:
    """Text and entities as Telegram stores them for ``parse_mode`` (or explicit entities)."""
    mode = (parse_mode or "").strip()
    if mode == "":
        plain, entities = text, list(explicit or [])
    elif mode.lower() == "html":
        plain, entities = parse_html(text)
    elif mode.lower() == "markdownv2":
        plain, entities = parse_markdown_v2(text)
    elif mode.lower() == "markdown":
        plain, entities = parse_markdown(text)
    else:
        raise ValueError("unsupported parse_mode")
    plain, entities = strip_text(plain, entities)
    # entities past the end of the text are cut, empty ones dropped (Telegram does the same)
    total = utf16_len(plain)
    entities = [
        {**e, "length": min(e["offset"] + e["length"], total) - e["offset"]}
        for e in entities if e["offset"] < total and e["length"] > 0
    ]
    return plain, sort_entities(entities + auto_entities(plain, entities))
