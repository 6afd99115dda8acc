"""The file store: evidence photos, PDFs and exports, content-addressed by SHA-256.

One port (``FileStore``) and two implementations chosen by the settings (issue 8 item 7):

* ``LocalFileStore`` under ``var/files/`` — ``ab/cd/<sha256>``; a file is written to a
  temporary name, fsynced, then *linked* into place, so a crash never leaves a half-written
  file under a real name and an existing file is never overwritten;
* ``S3FileStore`` — any S3-compatible endpoint (MinIO, Ceph, a cloud bucket) through aiobotocore;
  the same keys, written with ``If-None-Match: *`` so an object is never replaced.

``put`` streams: the content is hashed while it is read, and refused as soon as it passes the
size limit (nothing is kept). The same content put twice is stored once.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from storage.errors import DomainError

SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
CHUNK = 256 * 1024


class FileTooLarge(DomainError):
    """The upload passed the configured limit; nothing was stored."""

    key = "file-too-large"


class FileMissing(DomainError):
    """No stored file has this SHA-256."""

    key = "file-missing"


@dataclass(frozen=True)
class StoredFile:
    """What ``put`` stored: the content's SHA-256 (hex), its size, and whether it was new."""

    sha256: str
    size: int
    created: bool


class FileStore(Protocol):
    """The port: put (streaming), open (streaming), exists."""

    async def put(
        self, chunks: AsyncIterable[bytes], *, max_bytes: int | None = None
    ) -> StoredFile:
        """Store the content; refuse with ``FileTooLarge`` past ``max_bytes``."""
        ...

    def open(self, sha256: str) -> AsyncIterator[bytes]:
        """The content in chunks; ``FileMissing`` when there is none."""
        ...

    async def exists(self, sha256: str) -> bool:
        """Whether a file with this SHA-256 is stored."""
        ...


def object_key(sha256: str) -> str:
    """``ab/cd/abcd…``: the name of a stored file; anything but 64 lower-case hex is refused."""
    if not SHA256_PATTERN.fullmatch(sha256):
        raise FileMissing(sha256=sha256[:80])
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def human_size(size: int) -> str:
    """``20 MB``, ``4 KB``, ``512 B``: a size as people say it (binary units)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


async def read_all(store: FileStore, sha256: str) -> bytes:
    """The whole content of a stored file (for small files: a photo, a PDF)."""
    return b"".join([chunk async for chunk in store.open(sha256)])


async def chunks_of(data: bytes) -> AsyncIterator[bytes]:
    """Bytes already in memory as the stream ``put`` takes."""
    for start in range(0, len(data), CHUNK):
        yield data[start:start + CHUNK]
    if not data:
        yield b""


async def _spool(
    chunks: AsyncIterable[bytes], sink: IO[bytes], max_bytes: int | None
) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise FileTooLarge(limit=human_size(max_bytes))
        digest.update(chunk)
        await asyncio.to_thread(sink.write, chunk)
    return digest.hexdigest(), size


class LocalFileStore:
    """Files under ``root`` (``var/files`` by default), content-addressed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the file with this SHA-256 lives."""
        return self.root / object_key(sha256)

    async def put(
        self, chunks: AsyncIterable[bytes], *, max_bytes: int | None = None
    ) -> StoredFile:
        """Write to a temporary file in the store, fsync, link it under its hash."""
        incoming = self.root / "incoming"
        await asyncio.to_thread(incoming.mkdir, parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=incoming, delete=False)  # noqa: SIM115
        temporary = Path(handle.name)
        try:
            with handle:
                sha256, size = await _spool(chunks, handle, max_bytes)
                await asyncio.to_thread(handle.flush)
                await asyncio.to_thread(os.fsync, handle.fileno())
            created = await asyncio.to_thread(self._link, temporary, self.path(sha256))
        finally:
            await asyncio.to_thread(temporary.unlink, missing_ok=True)
        return StoredFile(sha256, size, created)

    @staticmethod
    def _link(temporary: Path, target: Path) -> bool:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(temporary, target)  # atomic, and fails instead of replacing
        except FileExistsError:
            return False
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return True

    async def open(self, sha256: str) -> AsyncIterator[bytes]:
        """The stored content in chunks."""
        path = self.path(sha256)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise FileMissing(sha256=sha256) from None
        with handle:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk

    async def exists(self, sha256: str) -> bool:
        """Whether the file is there."""
        return await asyncio.to_thread(self.path(sha256).is_file)


class S3FileStore:
    """An S3-compatible bucket; keys as in the local store, under an optional prefix."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None,
                 region: str = "us-east-1", access_key: str | None = None,
                 secret_key: str | None = None, prefix: str = "") -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._client_args: dict[str, Any] = {
            "endpoint_url": endpoint_url, "region_name": region,
            "aws_access_key_id": access_key, "aws_secret_access_key": secret_key,
        }

    def _client(self) -> Any:
        from aiobotocore.session import get_session

        return get_session().create_client("s3", **self._client_args)

    def key(self, sha256: str) -> str:
        """The object key of this SHA-256."""
        return self.prefix + object_key(sha256)

    async def put(
        self, chunks: AsyncIterable[bytes], *, max_bytes: int | None = None
    ) -> StoredFile:
        """Spool (memory up to 8 MiB, then disk) while hashing, then upload once."""
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
            sha256, size = await _spool(chunks, spool, max_bytes)
            spool.seek(0)
            async with self._client() as client:
                if await self._head(client, sha256):
                    return StoredFile(sha256, size, False)
                try:
                    await client.put_object(Bucket=self.bucket, Key=self.key(sha256),
                                            Body=spool.read(), IfNoneMatch="*",
                                            ChecksumSHA256=_b64(sha256))
                except client.exceptions.ClientError as error:
                    code = error.response.get("Error", {}).get("Code")
                    if code in {"PreconditionFailed", "ConditionalRequestConflict"}:
                        return StoredFile(sha256, size, False)  # written meanwhile
                    raise
        return StoredFile(sha256, size, True)

    async def _head(self, client: Any, sha256: str) -> bool:
        try:
            await client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    async def open(self, sha256: str) -> AsyncIterator[bytes]:
        """The object's content in chunks."""
        key = self.key(sha256)
        async with self._client() as client:
            try:
                response = await client.get_object(Bucket=self.bucket, Key=key)
            except client.exceptions.NoSuchKey:
                raise FileMissing(sha256=sha256) from None
            async with response["Body"] as body:
                while chunk := await body.read(CHUNK):
                    yield chunk

    async def exists(self, sha256: str) -> bool:
        """Whether the object is there."""
        self.key(sha256)  # a malformed hash is refused before any request
        async with self._client() as client:
            return await self._head(client, sha256)


def _b64(sha256: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(sha256)).decode()


@dataclass(frozen=True)
class FileStoreConfig:
    """What the settings say about the store (``bot.config.file_store_config`` builds it)."""

    kind: str = "local"
    root: Path = Path("var/files")
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_prefix: str = ""


def build_file_store(config: FileStoreConfig) -> FileStore:
    """The implementation the settings name."""
    if config.kind == "local":
        return LocalFileStore(config.root)
    if config.kind == "s3":
        if not config.s3_bucket:
            raise ValueError("JOINTCHECK_FILE_STORE=s3 needs JOINTCHECK_S3_BUCKET")
        return S3FileStore(config.s3_bucket, endpoint_url=config.s3_endpoint_url,
                           region=config.s3_region, access_key=config.s3_access_key,
                           secret_key=config.s3_secret_key, prefix=config.s3_prefix)
    raise ValueError(f"JOINTCHECK_FILE_STORE must be local or s3, not {config.kind!r}")
