"""Tests of dlcourse.data.mnist and dlcourse.data.download: finding, verifying, parsing, fetching.

They read the real MNIST test files in ../shared/data/mnist/ (skipped, with the reason, only
where that folder is absent) and never touch the network: every test runs with
DLCOURSE_OFFLINE=1, an empty Keras cache, and sockets that refuse to connect; downloads are
exercised with file:// URLs and a stand-in opener.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import socket
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from dlcourse.data import KNOWN_FILES, load_mnist, mnist_search_dirs, read_idx, verify_file
from dlcourse.data import mnist as mnist_module
from dlcourse.data.download import fetch, is_transient

MNIST_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"
TEST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
TRAIN_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
# Published class counts of the MNIST test set (LeCun, Cortes and Burges' distribution).
TEST_CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]

needs_mnist = pytest.mark.skipif(
    not all((MNIST_DIR / name).is_file() for name in TEST_FILES),
    reason=f"the real MNIST test files are not in {MNIST_DIR}",
)


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No network, no downloads by default, and an empty Keras cache for every test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)


def copy_test_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in TEST_FILES:
        shutil.copyfile(MNIST_DIR / name, folder / name)
    return folder


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def part_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# --- the real files ---------------------------------------------------------------------------


@needs_mnist
def test_real_test_split_through_the_environment_variable(monkeypatch):
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(MNIST_DIR))
    x, y = load_mnist("test")
    assert x.shape == (10_000, 28, 28) and x.dtype == np.uint8
    assert y.shape == (10_000,) and y.dtype == np.uint8
    assert np.bincount(y, minlength=10).tolist() == TEST_CLASS_COUNTS
    assert y[0] == 7
    assert x.min() == 0 and x.max() == 255
    assert x.flags.writeable and y.flags.writeable


@needs_mnist
def test_data_dir_argument_gives_the_same_arrays(monkeypatch):
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(MNIST_DIR))
    x_env, y_env = load_mnist("test")
    monkeypatch.delenv("DLCOURSE_DATA_DIR")
    x_arg, y_arg = load_mnist("test", data_dir=MNIST_DIR)
    np.testing.assert_array_equal(x_env, x_arg)
    np.testing.assert_array_equal(y_env, y_arg)


@needs_mnist
def test_known_md5s_agree_with_the_md5sums_file_and_the_files():
    listed = dict(
        reversed(line.split()) for line in (MNIST_DIR / "MD5SUMS").read_text().splitlines() if line
    )
    for name in TEST_FILES:
        assert KNOWN_FILES[name]["md5"] == listed[name]
        data = (MNIST_DIR / name).read_bytes()
        assert hashlib.md5(data).hexdigest() == listed[name]
        assert hashlib.sha256(data).hexdigest() == KNOWN_FILES[name]["sha256"]
        assert len(data) == KNOWN_FILES[name]["size"]
        verify_file(MNIST_DIR / name)  # does not raise


@needs_mnist
def test_read_idx_reads_the_headers_of_the_real_files():
    raw = gzip.decompress((MNIST_DIR / TEST_FILES[0]).read_bytes())
    assert raw[:4] == bytes([0, 0, 8, 3])  # magic 0x00000803: unsigned bytes, 3 dimensions
    images = read_idx(MNIST_DIR / TEST_FILES[0])
    assert images.shape == (10_000, 28, 28)
    # The values are the bytes after the 16-byte header, row-major.
    np.testing.assert_array_equal(images.reshape(-1)[:1000], np.frombuffer(raw[16:1016], np.uint8))
    labels = read_idx(MNIST_DIR / TEST_FILES[1])
    assert labels.shape == (10_000,) and labels[:3].tolist() == [7, 2, 1]


@needs_mnist
def test_keras_cache_is_searched(monkeypatch, tmp_path):
    cache = tmp_path / "keras_home" / "datasets"
    copy_test_files(cache)
    assert mnist_search_dirs()[-1] == cache
    x, y = load_mnist("test")
    assert x.shape == (10_000, 28, 28) and y[0] == 7


def test_search_order(monkeypatch, tmp_path):
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(tmp_path / "env"))
    assert mnist_search_dirs(tmp_path / "arg") == [
        tmp_path / "arg",
        tmp_path / "env",
        tmp_path / "keras_home" / "datasets",
    ]


# --- damaged files ----------------------------------------------------------------------------


@needs_mnist
@pytest.mark.parametrize("damage", ["truncated", "one byte altered"])
def test_damaged_file_is_refused_with_both_hashes(tmp_path, damage):
    folder = copy_test_files(tmp_path / "data")
    images = folder / TEST_FILES[0]
    data = bytearray(images.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 3] ^= 0x01
    images.write_bytes(bytes(data))
    with pytest.raises(ValueError) as info:
        load_mnist("test", data_dir=folder)
    message = str(info.value)
    assert str(images) in message
    assert f"expected SHA-256 {KNOWN_FILES[TEST_FILES[0]]['sha256']}" in message
    assert f"received SHA-256 {sha256(images)}" in message
    assert ("bytes where the official file has" in message) == (damage == "truncated")


def test_verify_file_rejects_an_unknown_name(tmp_path):
    path = tmp_path / "mystery.gz"
    path.write_bytes(b"data")
    with pytest.raises(ValueError, match="Argument `name` must be one of"):
        verify_file(path)


# --- missing files ----------------------------------------------------------------------------


@needs_mnist
@pytest.mark.parametrize("download", [False, None])
def test_missing_train_split_says_where_to_put_which_files(tmp_path, download):
    folder = copy_test_files(tmp_path / "data")
    with pytest.raises(FileNotFoundError) as info:
        load_mnist("train", data_dir=folder, download=download)
    message = str(info.value)
    for needed in (*TRAIN_FILES, "mnist.npz", str(folder), "DLCOURSE_DATA_DIR"):
        assert needed in message
    assert str(tmp_path / "keras_home" / "datasets") in message
    if download is None:
        assert "DLCOURSE_OFFLINE='1'" in message
    else:
        assert "download=False" in message


# --- downloads (file:// URLs and stand-ins only) ----------------------------------------------


@needs_mnist
def test_download_from_a_mirror_then_load(tmp_path):
    remote = copy_test_files(tmp_path / "remote")
    dest = tmp_path / "dest"
    x, y = load_mnist("test", data_dir=dest, download=True, mirrors=[remote.as_uri() + "/"])
    assert sorted(p.name for p in dest.iterdir()) == sorted(TEST_FILES)
    x_ref, y_ref = load_mnist("test", data_dir=MNIST_DIR)
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_array_equal(y, y_ref)


@needs_mnist
def test_offline_zero_allows_the_default_download(monkeypatch, tmp_path):
    monkeypatch.setenv("DLCOURSE_OFFLINE", "0")
    remote = copy_test_files(tmp_path / "remote")
    x, _ = load_mnist("test", data_dir=tmp_path / "dest", mirrors=[remote.as_uri()])
    assert x.shape == (10_000, 28, 28)


@needs_mnist
def test_download_with_a_hash_mismatch_keeps_nothing(tmp_path):
    remote = copy_test_files(tmp_path / "remote")
    labels = remote / TEST_FILES[1]
    data = bytearray(labels.read_bytes())
    data[100] ^= 0xFF
    labels.write_bytes(bytes(data))
    dest = tmp_path / "dest"
    with pytest.raises(FileNotFoundError) as info:
        load_mnist("test", data_dir=dest, download=True, mirrors=[remote.as_uri() + "/"])
    message = str(info.value)
    assert remote.as_uri() + "/" + TEST_FILES[1] in message
    assert f"expected SHA-256 {KNOWN_FILES[TEST_FILES[1]]['sha256']}" in message
    assert f"received SHA-256 {sha256(labels)}" in message
    assert TEST_FILES[1] not in [p.name for p in dest.iterdir()]
    assert part_files(dest) == []


@needs_mnist
def test_download_falls_back_to_the_next_mirror(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    remote = copy_test_files(tmp_path / "remote")
    fake_npz = tmp_path / "fake" / "mnist.npz"
    fake_npz.parent.mkdir()
    np.savez(fake_npz, x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.zeros(2, np.uint8))
    dest = tmp_path / "dest"
    mirrors = [fake_npz.as_uri(), empty.as_uri() + "/", remote.as_uri() + "/"]
    x, y = load_mnist("test", data_dir=dest, download=True, mirrors=mirrors)
    assert x.shape == (10_000, 28, 28) and y[0] == 7
    assert not (dest / "mnist.npz").exists() and part_files(dest) == []


def test_failed_downloads_list_every_mirror(tmp_path):
    fake_npz = tmp_path / "fake" / "mnist.npz"
    fake_npz.parent.mkdir()
    np.savez(fake_npz, x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.zeros(2, np.uint8))
    missing = (tmp_path / "nowhere").as_uri() + "/"
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(
            "train", data_dir=tmp_path / "dest", download=True, mirrors=[fake_npz.as_uri(), missing]
        )
    message = str(info.value)
    assert f"{fake_npz.as_uri()}: ValueError" in message
    assert f"expected SHA-256 {KNOWN_FILES['mnist.npz']['sha256']}" in message
    assert f"{missing}{TRAIN_FILES[0]}: URLError" in message
    assert "train-labels-idx1-ubyte.gz" in message  # the where-to-put-it advice follows


class FakeOpener:
    """Fails ``failures`` times with ``error``, then serves ``payload``."""

    def __init__(self, failures: int, error: Exception, payload: bytes):
        self.failures, self.error, self.payload, self.calls = failures, error, payload, []

    def __call__(self, url, timeout):
        self.calls.append((url, timeout))
        if len(self.calls) <= self.failures:
            raise self.error
        return io.BytesIO(self.payload)


def test_fetch_retries_transient_errors_with_backoff(tmp_path):
    opener = FakeOpener(2, urllib.error.URLError("temporary failure"), b"payload")
    waits: list[float] = []
    checked: list[bytes] = []
    target = fetch(
        "https://example.invalid/f",
        tmp_path / "sub" / "f",
        check=lambda path: checked.append(path.read_bytes()),
        timeout=7.5,
        retries=3,
        opener=opener,
        sleep=waits.append,
    )
    assert target.read_bytes() == b"payload" and checked == [b"payload"]
    assert waits == [1.0, 2.0]
    assert opener.calls == [("https://example.invalid/f", 7.5)] * 3
    assert part_files(target.parent) == []


def test_fetch_gives_up_after_its_retries(tmp_path):
    opener = FakeOpener(5, TimeoutError("timed out"), b"payload")
    waits: list[float] = []
    with pytest.raises(TimeoutError):
        fetch(
            "u", tmp_path / "f", check=lambda p: None, retries=2, opener=opener, sleep=waits.append
        )
    assert waits == [1.0, 2.0] and len(opener.calls) == 3
    assert list(tmp_path.iterdir()) == []


def test_fetch_does_not_retry_a_404_nor_keep_a_refused_file(tmp_path):
    not_found = urllib.error.HTTPError("u", 404, "Not Found", {}, None)
    waits: list[float] = []
    with pytest.raises(urllib.error.HTTPError):
        fetch(
            "u",
            tmp_path / "f",
            check=lambda p: None,
            opener=FakeOpener(1, not_found, b""),
            sleep=waits.append,
        )
    assert waits == []

    def refuse(path):
        raise ValueError("bad hash")

    with pytest.raises(ValueError, match="bad hash"):
        fetch("u", tmp_path / "f", check=refuse, opener=FakeOpener(0, not_found, b"x"))
    assert list(tmp_path.iterdir()) == []


def test_is_transient():
    assert is_transient(urllib.error.HTTPError("u", 503, "Unavailable", {}, None))
    assert is_transient(urllib.error.HTTPError("u", 429, "Too Many Requests", {}, None))
    assert not is_transient(urllib.error.HTTPError("u", 403, "Forbidden", {}, None))
    assert is_transient(ConnectionResetError())
    assert not is_transient(urllib.error.URLError(FileNotFoundError(2, "missing")))
    assert not is_transient(urllib.error.URLError(socket.gaierror(-3, "name resolution")))
    assert is_transient(urllib.error.URLError(ConnectionResetError(104, "reset")))
    assert not is_transient(ValueError("unknown url type"))


# --- the npz layout and the IDX parser --------------------------------------------------------


@needs_mnist
def test_npz_reader_returns_the_split_arrays(tmp_path):
    x, y = load_mnist("test", data_dir=MNIST_DIR)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_test=x, y_test=y)
    x_npz, y_npz = mnist_module._load_npz(path, "test")
    np.testing.assert_array_equal(x_npz, x)
    np.testing.assert_array_equal(y_npz, y)
    with pytest.raises(ValueError, match=r"lacks the arrays \['x_train', 'y_train'\]"):
        mnist_module._load_npz(path, "train")


def test_npz_reader_refuses_wrong_shapes_and_garbage(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_test=np.zeros((10_000, 28, 27), np.uint8), y_test=np.zeros(10_000, np.uint8))
    with pytest.raises(ValueError, match=r"images should be uint8 of shape \(10000, 28, 28\)"):
        mnist_module._load_npz(path, "test")
    path.write_bytes(b"not a zip archive")
    with pytest.raises(ValueError, match="cannot be read"):
        mnist_module._load_npz(path, "test")


def idx_bytes(type_code: int, shape: tuple[int, ...], payload: bytes) -> bytes:
    header = bytes([0, 0, type_code, len(shape)])
    return header + b"".join(d.to_bytes(4, "big") for d in shape) + payload


@pytest.mark.parametrize("compressed", [False, True])
def test_read_idx_parses_a_small_file(tmp_path, compressed):
    raw = idx_bytes(0x08, (2, 3), bytes(range(6)))
    path = tmp_path / ("small.idx.gz" if compressed else "small.idx")
    path.write_bytes(gzip.compress(raw) if compressed else raw)
    np.testing.assert_array_equal(read_idx(path), [[0, 1, 2], [3, 4, 5]])


def test_read_idx_reads_big_endian_types(tmp_path):
    path = tmp_path / "int16.idx"
    path.write_bytes(
        idx_bytes(0x0B, (3,), (-2).to_bytes(2, "big", signed=True) + bytes([1, 0, 0, 7]))
    )
    values = read_idx(path)
    assert values.tolist() == [-2, 256, 7] and values.dtype == np.int16


@pytest.mark.parametrize(
    "raw, match",
    [
        (b"\x00\x00\x08", "does not start with an IDX magic number"),
        (b"\x1f\x8b\x08\x01" + bytes(8), "does not start with an IDX magic number"),
        (bytes([0, 0, 0x07, 1, 0, 0, 0, 1, 5]), "does not start with an IDX magic number"),
        (bytes([0, 0, 8, 3, 0, 0, 0, 1]), "inside its 16-byte header"),
        (idx_bytes(0x08, (2, 3), bytes(5)), "5 bytes of values.*6 bytes.*truncated"),
        (idx_bytes(0x08, (2, 3), bytes(7)), "7 bytes of values.*truncated or has extra bytes"),
    ],
)
def test_read_idx_refuses_malformed_files(tmp_path, raw, match):
    path = tmp_path / "bad.idx"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=match) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_read_idx_refuses_a_broken_gzip_stream(tmp_path):
    path = tmp_path / "bad.gz"
    path.write_bytes(gzip.compress(idx_bytes(0x08, (100,), bytes(100)))[:20])
    with pytest.raises(ValueError, match=f"IDX file {path} cannot be decompressed"):
        read_idx(path)


# --- arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            {"split": "valid"},
            r"`split` must be one of \['train', 'test'\]. Received: split='valid'",
        ),
        ({"download": "yes"}, "`download` must be True, False or None. Received: download='yes'"),
        ({"timeout": 0}, "`timeout` must be positive"),
        ({"timeout": -1.0}, "`timeout` must be a non-negative number"),
        ({"retries": -1}, "`retries` must be a non-negative integer. Received: retries=-1"),
        ({"mirrors": "https://x/mnist.npz"}, "`mirrors` must be a list of URLs"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_mnist(**kwargs)
