"""Output files written safely: never over the input, always whole or not at all.

Every file jointcheck writes for an official (exports, error files, audit checkpoints) is
written to a temporary file in the same directory, flushed to disk and renamed into place, so a
crash or a full disk leaves either the old file or the new one, never half of one. An output
that is the input (the same path, a link to it, or the same file by another name) is refused
before anything is opened for writing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from services.directories.errors import FileProblem


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name the same file (same path once resolved, or same inode)."""
    try:
        if a.resolve() == b.resolve():
            return True
    except OSError:
        pass
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwriting_input(source: Path, out: Path) -> None:
    """Refuse an output file that is the input file (it would be emptied before it is read)."""
    if same_file(source, out):
        raise FileProblem("dir-file-out-is-input", name=str(out))


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path next to ``path``; on success it is fsynced and renamed onto ``path``,
    on any failure removed (``path`` itself is never touched then)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
