"""Invitation QR codes: one PNG card per person and a printable sheet for a whole department.

Names are Chinese, so the cards are drawn with a CJK font when the machine has one (Debian's
``fonts-noto-cjk``); the HTML sheet is written always and needs no font on this machine, only
the browser that prints it.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

CJK_FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
CARD_WIDTH = 420
SHEET_COLUMNS = 3


@dataclass(frozen=True)
class Card:
    """What one card shows: who, which department, the link, until when."""

    account_id: int
    name: str
    department: str
    link: str
    expires: str


def find_cjk_font() -> Path | None:
    """A font file that can draw Chinese names, if the machine has one."""
    return next((p for p in CJK_FONT_CANDIDATES if p.is_file()), None)


def qr_image(link: str, box_size: int = 8, fit_width: int | None = None) -> Image.Image:
    """The QR code of ``link`` (error correction M: survives a crease in the paper); with
    ``fit_width`` the largest whole-pixel module size that fits (scaling would blur modules)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size,
                         border=2)
    code.add_data(link)
    code.make(fit=True)
    if fit_width is not None:
        code.box_size = max(1, fit_width // (code.modules_count + 2 * code.border))
    image = code.make_image(fill_color="black", back_color="white")
    return image.get_image().convert("RGB")  # type: ignore[no-any-return]


def png_bytes(image: Image.Image) -> bytes:
    """``image`` encoded as PNG."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def card_image(card: Card, font_path: Path | None) -> Image.Image:
    """A card: the QR code with the name and department under it (when a font can draw them)."""
    code = qr_image(card.link, fit_width=CARD_WIDTH - 40)
    height = CARD_WIDTH + (110 if font_path else 0)
    canvas = Image.new("RGB", (CARD_WIDTH, height), "white")
    offset = (CARD_WIDTH - code.width) // 2
    canvas.paste(code, (offset, offset))
    if font_path:
        draw = ImageDraw.Draw(canvas)
        big = ImageFont.truetype(str(font_path), 34)
        small = ImageFont.truetype(str(font_path), 20)
        y = CARD_WIDTH - 10
        for text, font in ((card.name, big), (card.department, small), (card.expires, small)):
            width = draw.textlength(text, font=font)
            draw.text(((CARD_WIDTH - width) / 2, y), text, fill="black", font=font)
            y += 44 if font is big else 30
    return canvas


def _file_name(card: Card) -> str:
    safe = re.sub(r"[^\w-]+", "_", card.name, flags=re.UNICODE).strip("_") or "person"
    return f"{card.account_id:05d}-{safe}.png"


def write_cards(cards: Sequence[Card], out_dir: Path, title: str) -> list[Path]:
    """One PNG per person, ``sheet.html`` always, ``sheet.png`` when a CJK font exists."""
    out_dir.mkdir(parents=True, exist_ok=True)
    font = find_cjk_font()
    written: list[Path] = []
    images: list[Image.Image] = []
    for card in cards:
        image = card_image(card, font)
        path = out_dir / _file_name(card)
        image.save(path, format="PNG")
        written.append(path)
        images.append(image)
    sheet_html = out_dir / "sheet.html"
    sheet_html.write_text(_sheet_html(cards, title), encoding="utf-8")
    written.append(sheet_html)
    if font and images:
        sheet_png = out_dir / "sheet.png"
        _sheet_png(images, title, font).save(sheet_png, format="PNG")
        written.append(sheet_png)
    return written


def _sheet_png(images: Sequence[Image.Image], title: str, font_path: Path) -> Image.Image:
    rows = (len(images) + SHEET_COLUMNS - 1) // SHEET_COLUMNS
    cell_w, cell_h = images[0].size
    header = 80
    sheet = Image.new("RGB", (cell_w * SHEET_COLUMNS, header + cell_h * rows), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((20, 20), title, fill="black", font=ImageFont.truetype(str(font_path), 36))
    for n, image in enumerate(images):
        x, y = (n % SHEET_COLUMNS) * cell_w, header + (n // SHEET_COLUMNS) * cell_h
        sheet.paste(image, (x, y))
        draw.rectangle((x, y, x + cell_w - 1, y + cell_h - 1), outline="#cccccc")
    return sheet


def _sheet_html(cards: Sequence[Card], title: str) -> str:
    cells = []
    for card in cards:
        encoded = base64.b64encode(png_bytes(qr_image(card.link))).decode()
        cells.append(
            f'<figure><img alt="QR" src="data:image/png;base64,{encoded}">'
            f"<figcaption><b>{html.escape(card.name)}</b><br>{html.escape(card.department)}<br><small>{html.escape(card.expires)}</small></figcaption>"
            "</figure>"
        )
    return (
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif}"
        "main{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}"
        "figure{border:1px solid #ccc;margin:0;padding:8px;text-align:center;"
        "break-inside:avoid}img{width:100%;image-rendering:pixelated}</style>"
        f"<h1>{html.escape(title)}</h1><main>{''.join(cells)}</main></html>\n"
    )
