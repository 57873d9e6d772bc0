"""Argument checks for the functions the chapters teach (hand-written, not exported).

A chapter's exported function starts with one call into this module, so the cell a
learner reads shows the idea and not a page of ``raise`` statements; the checks still
run, and the unit tests cover every message. The rule for exception types, everywhere:
``TypeError`` for a value of the wrong kind (a string where an array belongs, a float
where an integer belongs, ``True`` for a count), ``ValueError`` for the right kind with
a wrong value (a shape, a range, NaN).
"""

from __future__ import annotations

import numpy as np

from .data import as_numeric_array, check_images

__all__ = [
    "integer",
    "positive_number",
    "flag",
    "finite_matrix",
    "pca_inputs",
    "fit_inputs",
    "linear_autoencoder_inputs",
    "basis",
    "basis_pair",
]


# -- scalars ---------------------------------------------------------------------------


def integer(
    value, name: str, minimum: int | None = 1, maximum: int | None = None
) -> int:
    """``value`` as an ``int`` in ``[minimum, maximum]``; ``bool`` is not an integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and maximum is not None:
        if not minimum <= value <= maximum:
            raise ValueError(
                f"{name} must be between {minimum} and {maximum}, got {value}"
            )
    elif minimum is not None and value < minimum:
        least = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {least}, got {value}")
    elif maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def positive_number(value, name: str) -> float:
    """``value`` as a finite ``float`` greater than zero."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if np.iscomplexobj(value) or not np.isfinite(value) or not value > 0:
        raise ValueError(f"{name} must be a positive, finite number, got {value!r}")
    return float(value)


def flag(value, name: str) -> bool:
    """``value``, which must be ``True`` or ``False`` (not 0, 1 or a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def finite_matrix(values, name: str, what: str) -> np.ndarray:
    """A non-empty 2-D array of finite real numbers, as given (no copy if possible)."""
    arr = as_numeric_array(values, name, what)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must have shape (n, d) with n, d > 0, got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


# -- chapter 2: PCA and the linear autoencoder -----------------------------------------


def pca_inputs(x, mean, components, k):
    """Checks of ``vaelib.pca.pca_reconstruct``.

    Returns ``(x, mean, components, k)``: the images as a float64 copy the caller may
    overwrite, the mean as float64, the components as given and ``k`` as an ``int``.
    """
    x = check_images(x).astype(np.float64)
    mu = as_numeric_array(mean, "mean", "the mean image").astype(np.float64)
    v = as_numeric_array(components, "components", "an array of components")
    if mu.shape != (x.shape[1],):
        raise ValueError(f"mean must have shape ({x.shape[1]},), got {mu.shape}")
    if v.ndim != 2 or v.shape[1] != x.shape[1] or v.shape[0] == 0:
        raise ValueError(
            f"components must have shape (m, {x.shape[1]}): one component per row, "
            f"got {v.shape}"
        )
    k = integer(k, "k", minimum=1, maximum=v.shape[0])
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(v))):
        raise ValueError("mean and components must not contain NaN or infinite values")
    return x, mu, v, k


def fit_inputs(x, epochs, batch_size, learning_rate):
    """Checks of ``vaelib.pca.fit_reconstruction``: the data and the recipe.

    Returns ``x`` as float32 (the caller's array when it already is) and the checked
    ``epochs``, ``batch_size`` and ``learning_rate``.
    """
    x = finite_matrix(x, "x", "an array of examples").astype(np.float32, copy=False)
    epochs = integer(epochs, "epochs")
    batch_size = integer(batch_size, "batch_size")
    learning_rate = positive_number(learning_rate, "learning_rate")
    return x, epochs, batch_size, learning_rate


def linear_autoencoder_inputs(x_centred, k, seed):
    """Checks of ``vaelib.pca.train_linear_autoencoder`` (its recipe: ``fit_inputs``).

    Returns ``x_centred`` as float32 (the caller's array when it already is), ``k`` and
    ``seed`` as ``int``.
    """
    x = finite_matrix(x_centred, "x_centred", "an array of centred examples")
    x = x.astype(np.float32, copy=False)
    k = integer(k, "k")
    if k > x.shape[1]:
        raise ValueError(f"k must be at most the dimension {x.shape[1]}, got {k}")
    return x, k, integer(seed, "seed", minimum=0)


def basis(m, name: str) -> np.ndarray:
    """Basis vectors as the columns of a (dimension, k) float64 array, independent."""
    arr = as_numeric_array(m, name, "a 2-D array of basis vectors")
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (dimension, k), got {arr.shape}"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if arr.shape[1] > arr.shape[0]:
        raise ValueError(
            f"{name} has more columns ({arr.shape[1]}) than rows ({arr.shape[0]}): "
            "pass the basis vectors as columns, shape (dimension, k)"
        )
    if np.linalg.matrix_rank(arr) < arr.shape[1]:
        raise ValueError(f"the columns of {name} are linearly dependent")
    return arr


def basis_pair(a, b, degrees):
    """Checks of ``vaelib.pca.principal_angles``: two bases of one space, a flag."""
    a, b = basis(a, "a"), basis(b, "b")
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"a and b must live in the same space: a has {a.shape[0]} rows, "
            f"b has {b.shape[0]}"
        )
    return a, b, flag(degrees, "degrees")
