"""The validation pass over a directory file, streamed in batches, optionally in a subprocess.

``validate_stream`` reads the file once, finds the header, validates every row and yields
batches of clean records while the file is clean so far; the final message carries every error
(with the first row of each duplicate filled in by a second, key-only pass when needed).
For big files the same generator runs in a child process, so that on two cores reading and
validating overlap with the database writes; the messages are the same either way.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import struct
import sys
from collections.abc import AsyncIterator, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.directories.cells import MULTILINE_FIELDS, screen
from services.directories.columns import (
    Column,
    HeaderMap,
    looks_like_header,
    map_header,
    missing_required,
)
from services.directories.errors import FileProblem
from services.directories.readers import Cell, TableReader, open_table
from services.directories.validation import VALIDATORS, References, RowError

BATCH_SIZE = 5000
HEADER_SEARCH_ROWS = 10
# Files above this size are validated in a child process (start-up costs about a second).
PARALLEL_THRESHOLD_BYTES = 8 * 1024 * 1024
PIPE_BUFFER_BYTES = 8 * 1024 * 1024
NEEDS_DEPARTMENT = frozenset({"subjects", "inspectors", "conflicts", "inspections"})


@dataclass(frozen=True)
class FileInfo:
    """What the reader found out about the file before the first row."""

    name: str
    format: str  # csv | xlsx
    encoding: str
    sha256: str
    header: HeaderMap


@dataclass
class Batch:
    """Clean records (with their row numbers) while the file is clean so far, and progress."""

    rows: list[int]
    records: list[tuple[Any, ...]]
    error_count: int
    done: int
    total: int


@dataclass(frozen=True)
class Summary:
    """The end of the pass: counts and every error (capped at ``MAX_ERRORS``)."""

    rows: int
    bad_rows: int
    error_count: int
    errors: list[RowError] = field(default_factory=list)


Message = FileInfo | Batch | Summary


def _blank(cells: list[Cell]) -> bool:
    for c in cells:
        if c is not None and c != "" and not (c.__class__ is str and not c.strip()):
            return False
    return True


def _find_header(kind: str, reader: TableReader, rows: Iterator[tuple[int, list[Cell]]]
                 ) -> HeaderMap:
    first: tuple[int, list[Cell]] | None = None
    for seen, (number, cells) in enumerate(rows):
        if _blank(cells):
            continue
        if first is None:
            first = (number, cells)
        if looks_like_header(kind, cells):
            return map_header(kind, number, cells)
        if seen >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise FileProblem("dir-file-empty")
    # No row looks like a header: report what the first row lacks.
    return map_header(kind, first[0], first[1])


def validate_stream(
    path: Path, kind: str, refs: References, *, batch_size: int = BATCH_SIZE
) -> Iterator[Message]:
    """Validate ``path`` as a ``kind`` directory: FileInfo, then Batches, then a Summary."""
    reader = open_table(path)
    try:
        rows = reader.rows()
        header = _find_header(kind, reader, rows)
        merged = [ref for ref, last in reader.merged_ranges() if last > header.row]
        if merged:
            # a merged area reads as its first cell and blanks: the data would silently change
            shown_refs = "、".join(merged[:20]) + ("…" if len(merged) > 20 else "")
            raise FileProblem("dir-file-merged-cells", cells=shown_refs, count=str(len(merged)))
        need_department = refs.department is None and kind in NEEDS_DEPARTMENT
        missing: list[Column] = missing_required(kind, header, need_department=need_department)
        if missing:
            raise FileProblem(
                "dir-file-missing-columns",
                columns="、".join(c.header for c in missing),
                columns_en=", ".join(c.en[0] for c in missing),
            )
        yield FileInfo(path.name, reader.kind, reader.encoding, reader.sha256, header)
        validator = VALIDATORS[kind](header, refs)
        validate = validator.validate
        refuse = validator.refuse
        checked = frozenset(header.index.values())
        one_line = frozenset(i for f, i in header.index.items() if f not in MULTILINE_FIELDS)
        progress = reader.progress
        numbers: list[int] = []
        records: list[tuple[Any, ...]] = []
        count = 0
        for number, read in rows:
            cells = read
            # a row with a first cell is not blank: the usual case costs one test
            if not (cells and cells[0]) and _blank(cells):
                continue
            count += 1
            screened = screen(cells, checked, one_line)
            if screened is not None:
                cells, problems = screened
                if problems:
                    refuse(number, cells, problems)
                    continue
            record = validate(number, cells)
            if record is not None and not validator.error_count:
                numbers.append(number)
                records.append(record)
            if count % batch_size == 0:
                yield Batch(numbers, records, validator.error_count, progress.done, progress.total)
                numbers, records = [], []
        if count == 0:
            raise FileProblem("dir-file-no-rows")
        yield Batch(numbers, records, validator.error_count, progress.total, progress.total)
        if validator.duplicates:
            validator.resolve_duplicates(_first_rows(path, kind, header, validator))
        yield Summary(count, validator.bad_rows, validator.error_count, validator.errors)
    finally:
        reader.close()


def _first_rows(path: Path, kind: str, header: HeaderMap, validator: Any) -> dict[Hashable, int]:
    """Second, key-only pass: the first row of every key that occurs more than once."""
    wanted = set(validator.duplicates)
    first: dict[Hashable, int] = {}
    reader = open_table(path)
    try:
        for number, cells in reader.rows():
            if number <= header.row or _blank(cells):
                continue
            screened = screen(cells, range(len(cells)), ())
            key = validator.key_of(screened[0] if screened else cells)
            if key in wanted and key not in first:
                first[key] = number
                if len(first) == len(wanted):
                    break
    finally:
        reader.close()
    return first


# --- running the pass in a child process ----------------------------------------------------
# The child is a plain ``python -c`` process: arguments arrive pickled on its stdin, messages
# leave on its stdout as length-prefixed pickles. Unlike multiprocessing's spawn it never
# re-imports the caller's main module, and the parent reads it with asyncio, without threads.

_PROBLEM = "problem"
_ROOT = str(Path(__file__).resolve().parents[2])
_FRAME = struct.Struct(">Q")


def child_main() -> None:
    """Entry point of the validation child: args from stdin, messages to stdout."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the message stream
    path, kind, refs, batch_size = pickle.load(sys.stdin.buffer)

    def send(message: object) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_FRAME.pack(len(data)))
        out.write(data)

    try:
        for message in validate_stream(Path(path), kind, refs, batch_size=batch_size):
            send(message)
    except FileProblem as exc:
        send((_PROBLEM, exc.key, exc.args_map))
    out.flush()


def worth_a_child(path: Path) -> bool:
    """Whether validating ``path`` in a child process pays off (a big file, two cores)."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size >= PARALLEL_THRESHOLD_BYTES and (os.cpu_count() or 1) > 1


async def stream(
    path: Path, kind: str, refs: References, *, parallel: bool | None = None,
    batch_size: int = BATCH_SIZE,
) -> AsyncIterator[Message]:
    """``validate_stream`` for async callers; in a child process when ``parallel`` (or, when
    ``None``, when the file is big enough for it to pay off)."""
    if parallel is None:
        parallel = worth_a_child(path)
    if not parallel:
        for message in validate_stream(path, kind, refs, batch_size=batch_size):
            yield message
        return
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH")) if p)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c",
        "from services.directories.pipeline import child_main; child_main()",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env,
        # The reader stops reading the pipe beyond twice this limit; a few batches of headroom
        # let the child validate ahead while the parent writes (memory stays bounded).
        limit=PIPE_BUFFER_BYTES,
    )
    if child.stdin is None or child.stdout is None:  # pragma: no cover - PIPE always gives both
        raise RuntimeError("no pipe to the validation process")
    try:
        child.stdin.write(pickle.dumps((str(path), kind, refs, batch_size)))
        await child.stdin.drain()
        child.stdin.close()
        while True:
            try:
                size = _FRAME.unpack(await child.stdout.readexactly(_FRAME.size))[0]
            except asyncio.IncompleteReadError:
                break
            message = pickle.loads(await child.stdout.readexactly(size))
            if isinstance(message, tuple) and message and message[0] == _PROBLEM:
                raise FileProblem(message[1], **message[2])
            yield message
            if isinstance(message, Summary):
                break
        code = await child.wait()
        if code != 0:
            raise RuntimeError(f"the validation process failed (exit code {code})")
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
