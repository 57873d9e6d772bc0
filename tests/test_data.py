"""vaelib.data: the shipped MNIST files, their checksums, and input validation."""

import gzip
import hashlib
import shutil

import numpy as np
import pytest

from vaelib import data

# Published class frequencies of the MNIST training and test sets (LeCun et al.).
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist()


def test_shapes_and_dtypes_match_keras_load_data(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for arr in (x_train, y_train, x_test, y_test):
        assert arr.dtype == np.uint8
    assert x_train.min() == 0 and x_train.max() == 255


def test_labels(mnist):
    (_, y_train), (_, y_test) = mnist
    assert list(y_train[:5]) == [5, 0, 4, 1, 9]
    assert list(y_test[:5]) == [7, 2, 1, 0, 4]
    assert np.bincount(y_train, minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test, minlength=10).tolist() == TEST_COUNTS


def test_shipped_sums_are_the_files_sums():
    sums = data._expected_sums(data._default_dir())
    assert set(sums) == set(data.MNIST_FILES.values())
    for name, digest in sums.items():
        assert (
            hashlib.sha256((data._default_dir() / name).read_bytes()).hexdigest()
            == digest
        )


def test_vectors_are_scaled_copies(mnist):
    (x_train, _), _ = mnist
    (xv, yv), (tv, ty) = data.load_mnist_vectors()
    assert (
        xv.shape == (60000, 784) and tv.shape == (10000, 784) and xv.dtype == np.float32
    )
    np.testing.assert_allclose(
        xv[123], x_train[123].reshape(-1) / 255.0, rtol=0, atol=1e-7
    )
    assert xv.min() == 0.0 and xv.max() == 1.0


@pytest.fixture()
def data_copy(tmp_path):
    for path in data._default_dir().iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_loading_from_a_good_copy(data_copy):
    (x_train, _), (_, y_test) = data.load_mnist(directory=data_copy)
    assert x_train.shape == (60000, 28, 28) and y_test[0] == 7


def test_corrupted_file_is_named_with_expected_checksum(data_copy):
    target = data_copy / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(target.read_bytes())
    raw[100] ^= 0xFF
    target.write_bytes(bytes(raw))
    expected = data._expected_sums(data_copy)["t10k-labels-idx1-ubyte.gz"]
    with pytest.raises(data.ChecksumError) as info:
        data.load_mnist(directory=data_copy)
    message = str(info.value)
    assert "t10k-labels-idx1-ubyte.gz" in message and expected in message
    assert isinstance(info.value, ValueError)


def test_a_valid_gzip_with_other_content_is_still_rejected(data_copy):
    with gzip.open(data_copy / "train-labels-idx1-ubyte.gz", "wb") as handle:
        handle.write(b"\x00\x00\x08\x01\x00\x00\x00\x01\x05")
    with pytest.raises(data.ChecksumError, match="train-labels-idx1-ubyte.gz"):
        data.load_mnist(directory=data_copy)


def test_missing_file_is_named(data_copy):
    (data_copy / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte.gz"):
        data.load_mnist(directory=data_copy)


def test_missing_checksum_list(data_copy):
    (data_copy / "SHA256SUMS").unlink()
    with pytest.raises(FileNotFoundError, match="SHA256SUMS"):
        data.load_mnist(directory=data_copy)


def test_unknown_source():
    with pytest.raises(ValueError, match="'local' or 'keras'"):
        data.load_mnist(source="internet")


def test_check_images_accepts_both_layouts():
    rng = np.random.default_rng(0)
    flat = rng.random((3, 784))
    out = data.check_images(flat)
    assert out.shape == (3, 784) and out.dtype == np.float32
    np.testing.assert_array_equal(data.check_images(flat.reshape(3, 28, 28)), out)


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.zeros((3, 783)), r"shape \(n, 784\)"),
        (np.zeros(784), r"shape \(n, 784\)"),
        (np.zeros((2, 28, 27)), r"shape"),
        (np.zeros((0, 784)), "empty"),
        (np.full((2, 784), np.nan), "NaN"),
        (np.full((2, 784), np.inf), "NaN or infinite"),
        (np.full((2, 784), 255.0), r"\[0, 1\]"),
        (np.full((2, 784), -0.1), r"\[0, 1\]"),
    ],
)
def test_check_images_rejects_bad_values(bad, match):
    with pytest.raises(ValueError, match=match):
        data.check_images(bad)


@pytest.mark.parametrize(
    "bad", ["images", None, np.zeros((2, 784), dtype=bool), np.array([["a"] * 784])]
)
def test_check_images_rejects_non_numbers(bad):
    with pytest.raises(TypeError):
        data.check_images(bad)


def test_to_vectors_scales_bytes_and_keeps_floats():
    raw = np.array([[[0, 255] * 392]], dtype=np.uint8).reshape(1, 28, 28)
    v = data.to_vectors(raw)
    assert v.shape == (1, 784) and v.min() == 0.0 and v.max() == 1.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        data.to_vectors(
            raw.astype(np.float64)
        )  # floats 0-255 are not silently rescaled
