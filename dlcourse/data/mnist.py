"""MNIST from its standard files: find them, verify them, parse them, download them if allowed.

MNIST is 70,000 handwritten digits of 28×28 grey pixels: 60,000 for training and 10,000 for
testing. The documents' examples use its shapes (784 inputs, 28×28×1 images); chapter 4 switches
to it from the offline digits with one parameter (``DATASET = "mnist"``).

Two file layouts are read, each as published:

- Keras' ``mnist.npz`` (arrays ``x_train``, ``y_train``, ``x_test``, ``y_test``), the file that
  ``keras.datasets.mnist.load_data()`` keeps in its cache;
- the four IDX files of the original distribution, gzip-compressed:
  ``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
  ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz`` (a split needs only its two).

Every file is checked against the published hashes in ``KNOWN_FILES`` before it is parsed, and
the parser checks the IDX structure too, so a truncated or altered file is refused with an
error that names it, instead of training on damaged data.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dlcourse._checks import check_in, check_nonnegative
from dlcourse.data.download import fetch

__all__ = [
    "DEFAULT_MIRRORS",
    "KNOWN_FILES",
    "load_mnist",
    "mnist_search_dirs",
    "read_idx",
    "verify_file",
]

SPLITS = ("train", "test")
NPZ_NAME = "mnist.npz"
IDX_NAMES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
NPZ_KEYS = {"train": ("x_train", "y_train"), "test": ("x_test", "y_test")}
SPLIT_SIZES = {"train": 60_000, "test": 10_000}

#: Published size (bytes) and hashes of each official file. Sources:
#: - mnist.npz: the SHA-256 that ``keras.datasets.mnist.load_data`` passes to ``get_file``
#:   (keras/src/datasets/mnist.py, Keras 3).
#: - IDX MD5s: torchvision's ``MNIST.resources`` (torchvision/datasets/mnist.py); the two t10k
#:   values also match the MD5SUMS file distributed with the course's test files.
#: - IDX SHA-256s and sizes: TensorFlow Datasets' checksums for the same files
#:   (storage.googleapis.com/cvdf-datasets/mnist/); the two t10k values were recomputed from the
#:   real files and agree.
KNOWN_FILES: dict[str, dict[str, Any]] = {
    NPZ_NAME: {
        "size": None,
        "sha256": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    },
    "train-images-idx3-ubyte.gz": {
        "size": 9_912_422,
        "md5": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "sha256": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    },
    "train-labels-idx1-ubyte.gz": {
        "size": 28_881,
        "md5": "d53e105ee54ea40749a09fcbcd1e9432",
        "sha256": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    },
    "t10k-images-idx3-ubyte.gz": {
        "size": 1_648_877,
        "md5": "9fb629c4189551a2d022fa330f9573f3",
        "sha256": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    },
    "t10k-labels-idx1-ubyte.gz": {
        "size": 4_542,
        "md5": "ec29112dd5afa0611ce80d1b7f02629c",
        "sha256": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
}

#: Where downloads come from, tried in order. A URL ending in ``.npz`` is Keras' ``mnist.npz``
#: (the canonical copy); a URL ending in ``/`` is a folder holding the four IDX ``.gz`` files
#: (torchvision's mirror, then the copy TensorFlow's tutorials used).
DEFAULT_MIRRORS: tuple[str, ...] = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# IDX type codes (third byte of the magic number) → big-endian NumPy dtypes.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_HASH_LABELS = {"sha256": "SHA-256", "md5": "MD5"}
_FALSE_WORDS = ("", "0", "false", "no", "off")


def verify_file(path: str | os.PathLike, name: str | None = None) -> None:
    """Check a file against the published size and hashes of the official file ``name``.

    Every hash known for ``name`` in ``KNOWN_FILES`` (SHA-256, and MD5 where published) must
    match: the file is read once and both are computed from the same bytes.

    Args:
        path: the file to check.
        name: which official file it should be; default ``path``'s own file name.

    Raises:
        ValueError: naming the file, the expected hash and the hash received (and the size when
            it differs) if it is truncated, altered or a different file; or if ``name`` is not
            one of ``KNOWN_FILES``.
    """
    path = Path(path)
    name = path.name if name is None else name
    check_in(name, "name", KNOWN_FILES)
    known = KNOWN_FILES[name]
    digests = {algo: hashlib.new(algo) for algo in _HASH_LABELS if algo in known}
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            size += len(chunk)
            for digest in digests.values():
                digest.update(chunk)
    for algo, digest in digests.items():
        received = digest.hexdigest()
        if received != known[algo]:
            label = _HASH_LABELS[algo]
            size_note = ""
            if known["size"] is not None and size != known["size"]:
                size_note = f" It has {size:,} bytes where the official file has {known['size']:,}."
            raise ValueError(
                f"MNIST file {path} is not the official {name}: expected {label} "
                f"{known[algo]}, received {label} {received}.{size_note} The file is truncated, "
                f"altered or a different file; delete it and put a fresh copy in its place."
            )


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Parse an IDX file (plain or ``.gz``) into an array, checking its structure.

    The IDX format (LeCun et al., the original MNIST distribution): a 4-byte magic number
    ``0x00 0x00 <type> <ndim>``, then ``ndim`` big-endian unsigned 32-bit sizes, then the values
    in row-major order. Type ``0x08`` is unsigned bytes (MNIST's images and labels); ``0x09``
    int8, ``0x0B`` int16, ``0x0C`` int32, ``0x0D`` float32, ``0x0E`` float64. MNIST's image files
    have magic ``0x00000803`` (3 dimensions: n, 28, 28) and label files ``0x00000801``.

    Args:
        path: the file; names ending in ``.gz`` are decompressed first.

    Returns:
        A writable array of shape ``(d₁, …, d_ndim)`` in native byte order.

    Raises:
        ValueError: naming the file, if it cannot be decompressed, its magic number is wrong,
            or its length does not match the sizes in its header.
    """
    path = Path(path)
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                data = f.read()
        else:
            data = path.read_bytes()
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        if isinstance(exc, FileNotFoundError):
            raise
        raise ValueError(f"IDX file {path} cannot be decompressed ({exc})") from exc
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES or data[3] < 1:
        raise ValueError(
            f"IDX file {path} does not start with an IDX magic number (0x00 0x00, a type code "
            f"in {sorted(hex(c) for c in _IDX_DTYPES)}, a dimension count ≥ 1). "
            f"Received first bytes: {data[:4].hex() or 'none'}"
        )
    dtype, ndim = np.dtype(_IDX_DTYPES[data[2]]), data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(
            f"IDX file {path} announces {ndim} dimensions but ends after {len(data)} bytes, "
            f"inside its {header}-byte header"
        )
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) - header != expected:
        raise ValueError(
            f"IDX file {path} has {len(data) - header:,} bytes of values, but its header "
            f"announces shape {shape} of {dtype.name}, which is {expected:,} bytes: the file "
            f"is truncated or has extra bytes"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))  # a native, writable copy


def _keras_datasets_dir() -> Path:
    """Keras' download cache: ``$KERAS_HOME/datasets``, else ``~/.keras/datasets``.

    Like Keras, falls back to ``/tmp/.keras`` when the home folder is not writable.
    """
    keras_home = os.environ.get("KERAS_HOME")
    if keras_home:
        return Path(keras_home).expanduser() / "datasets"
    home = Path("~").expanduser()
    base = home if os.access(home, os.W_OK) else Path(tempfile.gettempdir())
    return base / ".keras" / "datasets"


def _search_dirs(data_dir: str | os.PathLike | None) -> list[tuple[Path, str]]:
    dirs: list[tuple[Path, str]] = []
    if data_dir is not None:
        dirs.append((Path(data_dir).expanduser(), "argument data_dir"))
    env_dir = os.environ.get("DLCOURSE_DATA_DIR")
    if env_dir:
        dirs.append((Path(env_dir).expanduser(), "environment variable DLCOURSE_DATA_DIR"))
    dirs.append((_keras_datasets_dir(), "Keras' cache: $KERAS_HOME/datasets or ~/.keras/datasets"))
    unique: list[tuple[Path, str]] = []
    for folder, why in dirs:
        if all(folder != seen for seen, _ in unique):
            unique.append((folder, why))
    return unique


def mnist_search_dirs(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The folders :func:`load_mnist` searches, in order.

    ``data_dir`` if given, then the environment variable ``DLCOURSE_DATA_DIR`` if set, then
    Keras' cache (``$KERAS_HOME/datasets`` when ``KERAS_HOME`` is set, else
    ``~/.keras/datasets``), where ``keras.datasets.mnist.load_data()`` leaves ``mnist.npz``.
    """
    return [folder for folder, _ in _search_dirs(data_dir)]


def _find(split: str, folders: Sequence[Path]) -> tuple[str, Path] | None:
    """The first complete source of ``split``: ``("npz", folder)`` or ``("idx", folder)``."""
    for folder in folders:
        if (folder / NPZ_NAME).is_file():
            return "npz", folder
        if all((folder / name).is_file() for name in IDX_NAMES[split]):
            return "idx", folder
    return None


def _check_arrays(x: np.ndarray, y: np.ndarray, split: str, source: str) -> None:
    n = SPLIT_SIZES[split]
    problems = []
    if x.dtype != np.uint8 or x.shape != (n, 28, 28):
        problems.append(f"images should be uint8 of shape {(n, 28, 28)}, got {x.dtype} {x.shape}")
    if y.dtype != np.uint8 or y.shape != (n,):
        problems.append(f"labels should be uint8 of shape {(n,)}, got {y.dtype} {y.shape}")
    elif y.max() > 9:
        problems.append(f"labels should be 0-9, got a maximum of {y.max()}")
    if problems:
        raise ValueError(f"MNIST {split} split in {source} is malformed: " + "; ".join(problems))


def _load_npz(path: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    x_key, y_key = NPZ_KEYS[split]
    if not zipfile.is_zipfile(path):  # np.load would try it as a pickle and say so
        raise ValueError(f"MNIST file {path} cannot be read as a .npz archive (not a zip file)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [k for k in (x_key, y_key) if k not in archive.files]
            if missing:
                raise ValueError(
                    f"MNIST file {path} lacks the arrays {missing}; it holds {archive.files}"
                )
            x, y = archive[x_key], archive[y_key]
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"MNIST file {path} cannot be read as a .npz archive ({exc})") from exc
    _check_arrays(x, y, split, str(path))
    return x, y


def _load_idx(folder: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    images_name, labels_name = IDX_NAMES[split]
    x, y = read_idx(folder / images_name), read_idx(folder / labels_name)
    _check_arrays(x, y, split, f"{folder / images_name} and {labels_name}")
    return x, y


def _download_allowed(download: bool | None) -> bool:
    if download is None:
        return os.environ.get("DLCOURSE_OFFLINE", "").strip().lower() in _FALSE_WORDS
    if not isinstance(download, bool):
        raise ValueError(
            f"Argument `download` must be True, False or None. Received: download={download!r}"
        )
    return download


def _writable_folder(folders: Sequence[Path]) -> Path:
    """The first of ``folders`` that exists or can be made, and can be written; else the first."""
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return folders[0]


def _download(
    split: str, dest: Path, mirrors: Sequence[str], timeout: float, retries: int
) -> tuple[str, Path]:
    """Try each mirror in turn; return the new source or raise with every failure listed."""
    failures = []
    for mirror in mirrors:
        if mirror.endswith(".npz"):
            jobs = [(mirror, NPZ_NAME)]
        else:
            base = mirror if mirror.endswith("/") else mirror + "/"
            jobs = [(base + name, name) for name in IDX_NAMES[split]]
        try:
            for url, name in jobs:
                fetch(
                    url,
                    dest / name,
                    check=lambda path, name=name: verify_file(path, name=name),
                    timeout=timeout,
                    retries=retries,
                )
        except Exception as exc:  # one mirror failing is not the end: try the next
            failures.append(f"{url}: {type(exc).__name__}: {exc}")
            continue
        return ("npz" if jobs[0][1] == NPZ_NAME else "idx"), dest
    if not failures:
        failures.append("no mirrors were given (argument mirrors is empty)")
    raise FileNotFoundError("\n".join(f"    {failure}" for failure in failures))


def _missing_message(split: str, folders: list[tuple[Path, str]], reason: str) -> str:
    names = "\n".join(f"    {name}" for name in IDX_NAMES[split])
    places = "\n".join(f"    {folder}  ({why})" for folder, why in folders)
    return (
        f"MNIST's {split} split was not found, and {reason}\n"
        f"Put either Keras' {NPZ_NAME} or these two files\n{names}\n"
        f"into one of these folders (searched in this order):\n{places}\n"
        f"or set the environment variable DLCOURSE_DATA_DIR to the folder that holds them.\n"
        f"Official copies: {DEFAULT_MIRRORS[0]}\n"
        f"and the IDX files in {DEFAULT_MIRRORS[1]}\n"
        f"load_mnist(split={split!r}, download=True) fetches them and checks their hashes."
    )


def load_mnist(
    split: str = "train",
    data_dir: str | os.PathLike | None = None,
    download: bool | None = None,
    *,
    mirrors: Sequence[str] = DEFAULT_MIRRORS,
    timeout: float = 30.0,
    retries: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST's training or test split from the standard files, verified.

    Search: the folders of :func:`mnist_search_dirs` (``data_dir``, then ``DLCOURSE_DATA_DIR``,
    then Keras' cache), taking in the first folder that has one either ``mnist.npz`` or both IDX
    files of the split. A file that is found is checked with :func:`verify_file` before it is
    parsed; a bad one raises ``ValueError`` rather than being skipped.

    Download policy: with ``download=None`` (default) a missing split is downloaded unless the
    environment variable ``DLCOURSE_OFFLINE`` is set to a true value (anything but empty, ``0``,
    ``false``, ``no``, ``off``); ``True`` always allows it and ``False`` never does. A download
    goes into the first searched folder that can be written, tries ``mirrors`` in order with a
    ``timeout`` per connection and ``retries`` retries with exponential backoff on transient
    errors, and keeps a file only once its hash matches.

    Chapter 4 (``DATASET = "mnist"``): the documents' exact shapes; divide by 255 and flatten to
    784 for the MLP, add a channel axis for the CNN.

    Args:
        split: ``"train"`` (60,000 images, default) or ``"test"`` (10,000).
        data_dir: a folder to search first; default ``None``.
        download: ``None`` (default), ``True`` or ``False``; see above.
        mirrors: download URLs, each Keras' ``mnist.npz`` (ending ``.npz``) or a folder of IDX
            files (ending ``/``); default ``DEFAULT_MIRRORS``.
        timeout: seconds to wait on a connection (> 0); default 30.
        retries: extra attempts after a transient failure (≥ 0); default 3.

    Returns:
        ``x`` uint8 of shape ``(n, 28, 28)`` (0 = background, 255 = ink) and ``y`` uint8 of
        shape ``(n,)`` with labels 0–9, as ``keras.datasets.mnist.load_data`` gives them.

    Raises:
        FileNotFoundError: when the split is missing and downloading is off or failed; the
            message lists the folders searched, the file names and the environment variable.
        ValueError: for a file that fails its hash or structure check (naming the file, the
            expected and the received hash), or for bad arguments.
    """
    check_in(split, "split", SPLITS)
    allowed = _download_allowed(download)
    if isinstance(mirrors, str):
        raise ValueError(f"Argument `mirrors` must be a list of URLs. Received: {mirrors!r}")
    if check_nonnegative(timeout, "timeout") == 0:
        raise ValueError(f"Argument `timeout` must be positive. Received: timeout={timeout!r}")
    if isinstance(retries, bool) or not isinstance(retries, (int, np.integer)) or retries < 0:
        raise ValueError(
            f"Argument `retries` must be a non-negative integer. Received: retries={retries!r}"
        )
    folders = _search_dirs(data_dir)
    found = _find(split, [folder for folder, _ in folders])
    if found is None:
        if not allowed:
            reason = (
                "downloading is off (download=False)."
                if download is False
                else "downloading is off (environment variable DLCOURSE_OFFLINE="
                f"{os.environ.get('DLCOURSE_OFFLINE')!r})."
            )
            raise FileNotFoundError(_missing_message(split, folders, reason))
        dest = _writable_folder([folder for folder, _ in folders])
        try:
            found = _download(split, dest, list(mirrors), float(timeout), int(retries))
        except FileNotFoundError as exc:
            reason = f"downloading into {dest} failed:\n{exc}"
            raise FileNotFoundError(_missing_message(split, folders, reason)) from exc
    kind, folder = found
    if kind == "npz":
        verify_file(folder / NPZ_NAME)
        return _load_npz(folder / NPZ_NAME, split)
    for name in IDX_NAMES[split]:
        verify_file(folder / name)
    return _load_idx(folder, split)
