"""MNIST, shipped with the book, and the checks every image-taking function uses.

Introduced in the data page (``chapters/00_mnist.ipynb``) and used by every chapter.

The four original IDX files by Y. LeCun, C. Cortes and C. J. C. Burges are package
data of vaelib, so the book runs with no network. Their SHA-256 sums are checked on
every load: a missing or corrupted file is reported by name, with the checksum it
should have, instead of surfacing later as a strange training curve.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

__all__ = [
    "MNIST_FILES",
    "ChecksumError",
    "load_mnist",
    "load_mnist_vectors",
    "to_vectors",
    "check_images",
    "as_numeric_array",
]

IMAGE_SIDE = 28
PIXELS = IMAGE_SIDE * IMAGE_SIDE  # 784 numbers per image

MNIST_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}

_IDX_MAGIC = {1: 2049, 3: 2051}  # labels (1-D), images (3-D), both unsigned bytes


class ChecksumError(ValueError):
    """A shipped MNIST file does not have the SHA-256 sum recorded in SHA256SUMS."""


def _default_dir() -> Path:
    return Path(__file__).resolve().parent / "mnist"


def _expected_sums(directory: Path) -> dict[str, str]:
    sums_file = directory / "SHA256SUMS"
    if not sums_file.is_file():
        raise FileNotFoundError(
            f"MNIST checksum list not found: expected {sums_file}. "
            "Reinstall vaelib (pip install -e .) to restore its data files."
        )
    sums = {}
    for line in sums_file.read_text().splitlines():
        if line.strip():
            digest, name = line.split()
            sums[name.lstrip("*")] = digest.lower()
    return sums


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_idx(path: Path, ndim: int) -> np.ndarray:
    with gzip.open(path, "rb") as handle:
        raw = handle.read()
    magic = int.from_bytes(raw[:4], "big")
    if magic != _IDX_MAGIC[ndim]:
        raise ValueError(
            f"{path.name} is not an IDX file with {ndim} dimension(s) (magic {magic})"
        )
    shape = tuple(
        int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape).copy()


def _load_local(directory: Path):
    sums = _expected_sums(directory)
    arrays = {}
    for key, name in MNIST_FILES.items():
        path = directory / name
        expected = sums.get(name)
        if expected is None:
            raise ChecksumError(f"SHA256SUMS in {directory} has no entry for {name}")
        if not path.is_file():
            raise FileNotFoundError(
                f"MNIST file {name} is missing from {directory} "
                f"(expected SHA-256 {expected}). Reinstall vaelib to restore it."
            )
        actual = _sha256(path)
        if actual != expected:
            raise ChecksumError(
                f"MNIST file {name} is corrupted: its SHA-256 is {actual}, "
                f"expected {expected}. Reinstall vaelib to restore it."
            )
        arrays[key] = _read_idx(path, ndim=1 if key.startswith("y") else 3)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_mnist(source: str = "local", directory: str | Path | None = None):
    """Load MNIST as ``((x_train, y_train), (x_test, y_test))``.

    The result matches ``keras.datasets.mnist.load_data()``: uint8 images of shape
    (60000, 28, 28) and (10000, 28, 28), uint8 labels 0-9.

    Parameters
    ----------
    source : {"local", "keras"}
        ``"local"`` (default) reads the IDX files shipped inside vaelib and checks their
        SHA-256 sums; no network. ``"keras"`` downloads through ``keras.datasets``.
    directory : path, optional
        Read the IDX files and ``SHA256SUMS`` from this folder instead of the package's.

    Raises
    ------
    FileNotFoundError
        A data file or the checksum list is missing.
    ChecksumError
        A file's SHA-256 differs from the recorded one (a ``ValueError``).
    """
    if source == "local":
        return _load_local(Path(directory) if directory is not None else _default_dir())
    if source == "keras":
        import keras

        return keras.datasets.mnist.load_data()
    raise ValueError(f"source must be 'local' or 'keras', got {source!r}")


def as_numeric_array(
    values, name: str, what: str = "an array of numbers"
) -> np.ndarray:
    """Return ``values`` as a NumPy array of real numbers, or raise ``TypeError``.

    The first check of every vaelib function that takes arrays: it rejects strings,
    ``None``, ragged sequences, booleans and non-numeric or complex dtypes with a
    message naming the argument (``name``) and what it should be (``what``). Shape,
    size and finiteness are checked by the caller, which knows what it expects.
    """
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be {what}, got {type(values).__name__}")
    try:
        arr = np.asarray(values)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be {what}: {exc}") from exc
    if (
        arr.dtype == bool
        or not np.issubdtype(arr.dtype, np.number)
        or np.iscomplexobj(arr)
    ):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return arr


def check_images(x, name: str = "x") -> np.ndarray:
    """Validate a batch of images and return it as float32 vectors of shape (n, 784).

    Accepts a float array of shape (n, 784) or (n, 28, 28) with every value in [0, 1].
    Raises ``TypeError`` for non-numeric input and ``ValueError`` for a wrong shape, an
    empty batch, NaN or infinite values, or pixels outside [0, 1] (for example raw 0-255
    bytes, which should go through :func:`to_vectors` first).
    """
    arr = as_numeric_array(x, name, "an array of images")
    if arr.ndim == 3 and arr.shape[1:] == (IMAGE_SIDE, IMAGE_SIDE):
        arr = arr.reshape(len(arr), PIXELS)
    if arr.ndim != 2 or arr.shape[1] != PIXELS:
        raise ValueError(
            f"{name} must have shape (n, {PIXELS}) or (n, {IMAGE_SIDE}, {IMAGE_SIDE}), "
            f"got {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: expected at least one image")
    arr = arr.astype(np.float32, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{name} contains NaN or infinite values; pixels must be in [0, 1]"
        )
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0.0 or hi > 1.0:
        raise ValueError(
            f"{name} has pixel values in [{lo:g}, {hi:g}]; expected values in [0, 1] "
            "(scale raw bytes with vaelib.data.to_vectors)"
        )
    return arr


def to_vectors(images) -> np.ndarray:
    """Turn images into float32 vectors of 784 values in [0, 1].

    uint8 input (as loaded, 0-255) is divided by 255; float input must already lie in
    [0, 1]. Shapes (n, 28, 28) and (n, 784) are accepted.
    """
    arr = np.asarray(images)
    if arr.dtype == np.uint8:
        arr = arr.astype(np.float32)
        arr /= 255.0  # in place: one 188 MB array for the training set, not two
    return check_images(arr, name="images")


def load_mnist_vectors():
    """MNIST as float32 vectors in [0, 1]: ``((x_train, y_train), (x_test, y_test))``.

    Shapes (60000, 784) and (10000, 784); labels stay uint8.
    """
    (x_train, y_train), (x_test, y_test) = load_mnist()
    return (to_vectors(x_train), y_train), (to_vectors(x_test), y_test)
