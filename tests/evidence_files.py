"""Evidence files for the tests: JPEGs made with Pillow, with or without EXIF time and GPS."""

from __future__ import annotations

import io

from PIL import Image


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    return (float(degrees), float(minutes), round((minutes_full - minutes) * 60, 4))


def jpeg(color: tuple[int, int, int] = (200, 30, 30), *, gps: tuple[float, float] | None = None,
         taken: str | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG; with ``gps`` (lat, lon) and ``taken`` ("2026:04:01 10:15:00") in EXIF."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if taken:
        exif[0x8769] = {36867: taken}
    if gps:
        lat, lon = gps
        exif[0x8825] = {1: "N" if lat >= 0 else "S", 2: _dms(abs(lat)),
                        3: "E" if lon >= 0 else "W", 4: _dms(abs(lon))}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes() if (gps or taken) else b"")
    return out.getvalue()


def pdf() -> bytes:
    """A one-page PDF (Pillow writes it)."""
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (255, 255, 255)).save(out, "PDF")
    return out.getvalue()
