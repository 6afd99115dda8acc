"""The file store on both implementations: the local directory and an S3 endpoint (moto's
server mode — a real HTTP S3 API on loopback), chosen through the settings (issue 8 item 7)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.config import Settings, file_store_config
from bot.i18n import Translator
from storage.files import (
    FileMissing,
    FileStore,
    FileTooLarge,
    LocalFileStore,
    S3FileStore,
    build_file_store,
    chunks_of,
    read_all,
)

BUCKET = "jointcheck-evidence"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port, with the bucket made through boto3."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket=BUCKET)
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    """Each test runs on both implementations, built from settings as the app builds them."""
    if request.param == "local":
        settings = Settings(file_store="local", files_dir=tmp_path / "files")
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        settings = Settings(file_store="s3", s3_bucket=BUCKET, s3_endpoint_url=endpoint,
                            s3_access_key="test", s3_secret_key="test",
                            s3_prefix=f"t-{os.getpid()}-{tmp_path.name}")
    built = build_file_store(file_store_config(settings))
    assert isinstance(built, LocalFileStore if request.param == "local" else S3FileStore)
    return built


async def slow_chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        await asyncio.sleep(0)
        yield data[start:start + size]


async def test_put_returns_the_sha256_and_size_and_reads_back_the_same_bytes(
    store: FileStore,
) -> None:
    photo = os.urandom(700_000)
    stored = await store.put(slow_chunks(photo, 65_536))
    assert stored.sha256 == hashlib.sha256(photo).hexdigest()
    assert (stored.size, stored.created) == (len(photo), True)
    assert await store.exists(stored.sha256)
    assert await read_all(store, stored.sha256) == photo


async def test_the_same_content_twice_is_stored_once_and_never_overwritten(
    store: FileStore,
) -> None:
    first = await store.put(chunks_of(b"evidence"))
    again = await store.put(slow_chunks(b"evidence", 3))
    assert first.sha256 == again.sha256
    assert (first.created, again.created) == (True, False)
    assert await read_all(store, first.sha256) == b"evidence"


async def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(
    store: FileStore, tmp_path: Path,
) -> None:
    big = b"x" * 5000
    with pytest.raises(FileTooLarge) as refused:
        await store.put(slow_chunks(big), max_bytes=4096)
    assert not await store.exists(hashlib.sha256(big).hexdigest())
    text = Translator("zh_CN")(refused.value.key, **refused.value.args_map)
    assert text == "文件超过 4 KB 的上限，未保存。请压缩后重新发送。"
    if isinstance(store, LocalFileStore):  # no temporary file is left behind
        assert list((store.root / "incoming").iterdir()) == []


async def test_missing_and_malformed_names_are_refused(store: FileStore) -> None:
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not await store.exists(absent)
    with pytest.raises(FileMissing):
        await read_all(store, absent)
    for bad in ("../../etc/passwd", absent.upper(), absent[:-1], ""):
        with pytest.raises(FileMissing):
            await store.exists(bad)


async def test_an_empty_file_is_a_file(store: FileStore) -> None:
    stored = await store.put(chunks_of(b""))
    assert (stored.size, stored.sha256) == (0, hashlib.sha256(b"").hexdigest())
    assert await read_all(store, stored.sha256) == b""


async def test_local_files_are_laid_out_by_hash_and_written_atomically(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    stored = await store.put(chunks_of(b"photo"))
    path = tmp_path / "files" / stored.sha256[:2] / stored.sha256[2:4] / stored.sha256
    assert path.read_bytes() == b"photo"

    async def dies_midway() -> AsyncIterator[bytes]:
        yield b"half a photo"
        raise ConnectionError("the download broke off")

    with pytest.raises(ConnectionError):
        await store.put(dies_midway())
    assert list((tmp_path / "files" / "incoming").iterdir()) == []
    assert not await store.exists(hashlib.sha256(b"half a photo").hexdigest())


def test_a_misconfigured_store_says_what_to_set() -> None:
    with pytest.raises(ValueError, match="JOINTCHECK_S3_BUCKET"):
        build_file_store(file_store_config(Settings(file_store="s3")))


def test_the_file_store_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOINTCHECK_FILE_STORE", "s3")
    monkeypatch.setenv("JOINTCHECK_S3_BUCKET", "b")
    monkeypatch.setenv("JOINTCHECK_S3_SECRET_KEY", "k")
    monkeypatch.setenv("JOINTCHECK_MAX_UPLOAD_BYTES", "1000")
    settings = Settings()
    config = file_store_config(settings)
    assert (config.kind, config.s3_bucket, config.s3_secret_key) == ("s3", "b", "k")
    assert settings.max_upload_bytes == 1000
