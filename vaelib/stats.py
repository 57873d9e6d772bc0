"""Error measures and statistics used by the chapters.

Plain NumPy/SciPy: nothing here imports Keras.
"""

from __future__ import annotations

import numpy as np

from .data import check_images

__all__ = ["squared_error_per_image", "rmse", "psnr"]


def _pair(x, x_hat):
    a = check_images(x, name="x")
    b = check_images(x_hat, name="x_hat")
    if a.shape != b.shape:
        raise ValueError(f"x and x_hat must have the same shape, got {a.shape} and {b.shape}")
    return a.astype(np.float64), b.astype(np.float64)


def squared_error_per_image(x, x_hat) -> np.ndarray:
    """Sum over the 784 pixels of (x - x_hat)**2, one number per image.

    Introduced in chapter 1; chapter 2 averages it over the test set to compare with
    Hinton & Salakhutdinov (2006), who report this quantity.
    """
    a, b = _pair(x, x_hat)
    return np.sum((a - b) ** 2, axis=1)


def rmse(x, x_hat) -> float:
    """Root mean squared error, sqrt(mean((x - x_hat)**2)) over every pixel (chapter 1)."""
    a, b = _pair(x, x_hat)
    return float(np.sqrt(np.mean((a - b) ** 2)))


def psnr(clean, other) -> float:
    """Peak signal-to-noise ratio in dB for pixels in [0, 1] (chapter 1).

    ``10 * log10(1 / MSE)``, the MSE taken over all pixels of all images. Higher is
    closer to ``clean``; identical images give ``inf``.
    """
    a, b = _pair(clean, other)
    mse = float(np.mean((a - b) ** 2))
    return float("inf") if mse == 0.0 else float(10.0 * np.log10(1.0 / mse))
