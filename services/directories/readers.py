"""Reading the tables officials keep: CSV (UTF-8 with or without BOM, GB18030/GBK) and XLSX.

Both readers stream: rows come one at a time, with the row number an official sees in Excel,
so memory stays bounded whatever the file size. A CSV's encoding is settled by one quick pass
over its bytes (which also gives the file's SHA-256) before any row is parsed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from services.directories.errors import FileProblem

CHUNK = 1 << 20
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
# csv's default limit (128 KiB) is fine for cells; raise it for long checklists all the same.
# A bigger cell is refused with its row (no directory value comes near it).
CELL_LIMIT = 1024 * 1024
csv.field_size_limit(CELL_LIMIT)

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Za-z]+[0-9]+:[A-Za-z]+[0-9]+)"')
_LAST_ROW = re.compile(r":[A-Za-z]+([0-9]+)$")

Cell = Any  # str for CSV; str, int, float, bool, datetime or None for XLSX


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes (recorded in the audit trail with every import)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sniff_binary(head: bytes, suffix: str) -> None:
    """Refuse files that are plainly not text tables, with a message saying what they are."""
    if head.startswith(b"PK\x03\x04"):
        raise FileProblem("dir-file-zip-as-csv", suffix=suffix)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem("dir-file-old-xls")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem("dir-file-utf16")


def detect_encoding(path: Path) -> tuple[str, str]:
    """The encoding of a CSV file (``utf-8-sig``, ``utf-8`` or ``gb18030``) and its SHA-256.

    UTF-8 is tried first (with or without BOM), then GB18030, the superset of GBK that Chinese
    Excel writes. A file that is neither, or that contains NUL bytes (UTF-16, binary), is
    refused with ``dir-file-encoding``.
    """
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    first = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if not first:
                first = chunk[:8]
                _sniff_binary(first, path.suffix)
            digest.update(chunk)
            if b"\x00" in chunk:
                raise FileProblem("dir-file-encoding")
            if utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
        if utf8_ok:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
    sha = digest.hexdigest()
    if not first:
        raise FileProblem("dir-file-empty")
    if utf8_ok:
        return ("utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"), sha
    gb = codecs.getincrementaldecoder("gb18030")()
    with path.open("rb") as f:
        try:
            while chunk := f.read(CHUNK):
                gb.decode(chunk)
            gb.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise FileProblem("dir-file-encoding") from exc
    return "gb18030", sha


class Progress:
    """How far a reader got, in its own units (rows for XLSX)."""

    def __init__(self, done: int = 0, total: int = 0) -> None:
        self.done = done
        self.total = total


class BytesRead(Progress):
    """A CSV's progress: the file position, read only when someone asks (not per row)."""

    def __init__(self, raw: BinaryIO, total: int) -> None:
        super().__init__(0, total)
        self._raw = raw

    @property  # type: ignore[override]
    def done(self) -> int:
        """Bytes read so far."""
        return self.total if self._raw.closed else self._raw.tell()

    @done.setter
    def done(self, value: int) -> None:
        """Ignored: the position is the file's."""


class TableReader:
    """A stream of (row number, cells) from one sheet or CSV file; the first row is row 1."""

    path: Path
    kind: str
    encoding: str
    sha256: str
    progress: Progress

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:  # pragma: no cover - interface
        """Every row with its number as Excel shows it."""
        raise NotImplementedError

    def merged_ranges(self) -> list[tuple[str, int]]:
        """Merged cell ranges as (``B5:B6``, their last row); none in a CSV."""
        return []

    def close(self) -> None:
        """Release the file."""


class CsvReader(TableReader):
    """CSV in UTF-8 (BOM or not) or GB18030; delimiter comma, tab or semicolon by the header."""

    def __init__(self, path: Path, encoding: str | None = None, sha256: str | None = None) -> None:
        self.path = path
        self.kind = "csv"
        if encoding is None or sha256 is None:
            encoding, sha256 = detect_encoding(path)
        self.encoding = encoding
        self.sha256 = sha256
        self._raw: BinaryIO = path.open("rb")
        self._text = io.TextIOWrapper(self._raw, encoding=encoding, newline="")
        self.progress = BytesRead(self._raw, path.stat().st_size)

    def _delimiter(self) -> str:
        line = self._text.readline()
        self._text.seek(0)
        if line.startswith("\ufeff"):
            # a second byte-order mark (a file saved twice by a tool that adds one each time)
            raise FileProblem("dir-file-double-bom")
        counts = {d: line.count(d) for d in (",", "\t", ";")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """Every record; row numbers count records (a quoted multi-line cell is one row).

        Quotes are read strictly: an unterminated quote (which would swallow the rows after
        it into one cell) or text after a closing quote is refused with its row and line, as
        is a cell over ``CELL_LIMIT``."""
        # zip/count run in C and ``yield from`` delegates: no per-row Python frame
        reader = csv.reader(self._text, delimiter=self._delimiter(), strict=True)
        counter = itertools.count(1)
        try:
            yield from zip(counter, reader, strict=False)
        except csv.Error as exc:
            row = next(counter) - 1  # zip took the failing row's number before csv failed
            detail = str(exc)
            if "field larger" in detail:
                raise FileProblem("dir-file-cell-too-big", row=str(row), line=str(reader.line_num),
                                  limit=str(CELL_LIMIT // 1024)) from None
            if "end of data" in detail:
                raise FileProblem("dir-file-unterminated-quote", row=str(row),
                                  line=str(reader.line_num)) from None
            raise FileProblem("dir-file-csv-syntax", row=str(row), line=str(reader.line_num),
                              detail=detail) from None

    def close(self) -> None:
        """Close the file."""
        self._text.close()


class XlsxReader(TableReader):
    """The first worksheet of an .xlsx workbook, read with openpyxl's streaming reader."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = "xlsx"
        self.encoding = "xlsx"
        with path.open("rb") as f:
            head = f.read(8)
        if not head:
            raise FileProblem("dir-file-empty")
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise FileProblem("dir-file-old-xls")
        if not zipfile.is_zipfile(path):
            raise FileProblem("dir-file-not-xlsx", name=path.name)
        from openpyxl import load_workbook

        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise FileProblem("dir-file-not-xlsx", name=path.name) from exc
        self.sha256 = file_sha256(path)
        sheet = self._book.worksheets[0] if self._book.worksheets else None
        if sheet is None:
            raise FileProblem("dir-file-empty")
        self._sheet = sheet
        total = getattr(sheet, "max_row", None) or 0
        # The stored dimension may be stale (written by other tools); read every row regardless.
        sheet.reset_dimensions()
        self.progress = Progress(0, int(total))

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """Every row, with cell values as Excel holds them (dates as datetimes)."""
        progress = self.progress
        for number, values in enumerate(self._sheet.iter_rows(values_only=True), start=1):
            progress.done = number
            yield number, list(values)
        progress.total = progress.done

    def merged_ranges(self) -> list[tuple[str, int]]:
        """The sheet's merged ranges. openpyxl's streaming reader ignores them (a merged area
        reads as its first cell and blanks), so the sheet's XML is scanned for them: bytes
        searched in chunks, without parsing the rows again."""
        found: list[tuple[str, int]] = []
        member = getattr(self._sheet, "_worksheet_path", None)
        if member is None:  # pragma: no cover - openpyxl's reader always has it
            return found
        tail = b""
        with zipfile.ZipFile(self.path) as archive, archive.open(member) as xml:
            while chunk := xml.read(CHUNK):
                data = tail + chunk
                for m in _MERGE.finditer(data):
                    ref = m.group(1).decode("ascii")
                    found.append((ref, int(_LAST_ROW.search(ref).group(1))))  # type: ignore[union-attr]
                tail = data[-256:] if len(data) > 256 else data
                # a match inside the kept tail is found again next time: skip those
                found = list(dict.fromkeys(found))
        return found

    def close(self) -> None:
        """Close the workbook."""
        self._book.close()


def open_table(path: Path) -> TableReader:
    """A reader for ``path`` chosen by its suffix; refuses what it cannot read, with a reason."""
    if not path.exists():
        raise FileProblem("dir-file-not-found", name=str(path))
    if not path.is_file():
        # a directory, a FIFO or a device: reading it would fail or wait for ever
        raise FileProblem("dir-file-not-regular", name=str(path))
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return XlsxReader(path)
    if suffix in CSV_SUFFIXES:
        return CsvReader(path)
    if suffix == ".xls":
        raise FileProblem("dir-file-old-xls")
    raise FileProblem("dir-file-type", name=path.name)


def cell_text(value: Cell) -> str:
    """A non-string XLSX cell as the text an official typed (1001.0 → "1001")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


ProgressCallback = Callable[[int, int], None]
