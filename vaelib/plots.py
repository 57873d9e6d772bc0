"""Figures reused across chapters.

Every function returns the matplotlib ``Figure`` it drew (or the array it built), so a
notebook can ``glue`` it and a test can inspect it. Palettes are colour-blind safe:
greyscale for digits, Okabe-Ito and Paul Tol colours for categories.
"""

from __future__ import annotations

import numpy as np

from .data import IMAGE_SIDE, check_images

__all__ = ["OKABE_ITO", "image_mosaic", "show_images"]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any common colour-vision deficiency.
OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#000000",  # black
)


def image_mosaic(images, n_cols: int, pad: int = 0, pad_value: float = 1.0) -> np.ndarray:
    """Tile images (n, 784) or (n, 28, 28) into one 2-D array, row by row.

    Introduced in the data page. Image ``i`` lands in row ``i // n_cols`` and column
    ``i % n_cols`` (row 0 at the top); a short last row is padded with ``pad_value``.
    """
    x = check_images(images, name="images").reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    if isinstance(n_cols, bool) or not isinstance(n_cols, (int, np.integer)) or n_cols < 1:
        raise ValueError(f"n_cols must be a positive integer, got {n_cols!r}")
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"pad must be a non-negative integer, got {pad!r}")
    n_rows = -(-len(x) // n_cols)
    cell = IMAGE_SIDE + pad
    mosaic = np.full((n_rows * cell - pad, n_cols * cell - pad), pad_value, dtype=np.float32)
    for i, img in enumerate(x):
        r, c = divmod(i, n_cols)
        mosaic[r * cell: r * cell + IMAGE_SIDE, c * cell: c * cell + IMAGE_SIDE] = img
    return mosaic


def show_images(images, n_cols: int = 10, titles=None, row_labels=None, scale: float = 1.0, suptitle=None):
    """Show images in a grid of small greyscale panels, one axis per image; return the Figure.

    Introduced in the data page. ``titles`` (one per image) go above the panels;
    ``row_labels`` (one per row) go at the left of each row. Ink is drawn dark on white
    (``gray_r``), the way digits are written.
    """
    import matplotlib.pyplot as plt

    x = check_images(images, name="images").reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    if isinstance(n_cols, bool) or not isinstance(n_cols, (int, np.integer)) or n_cols < 1:
        raise ValueError(f"n_cols must be a positive integer, got {n_cols!r}")
    n_cols = min(int(n_cols), len(x))
    n_rows = -(-len(x) // n_cols)
    if titles is not None and len(titles) != len(x):
        raise ValueError(f"titles must have one entry per image ({len(x)}), got {len(titles)}")
    if row_labels is not None and len(row_labels) != n_rows:
        raise ValueError(f"row_labels must have one entry per row ({n_rows}), got {len(row_labels)}")
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(scale * 0.9 * n_cols + (1.2 if row_labels else 0), scale * 0.95 * n_rows),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i < len(x):
            ax.imshow(x[i], cmap="gray_r", vmin=0.0, vmax=1.0)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8)
        else:
            ax.axis("off")
    if row_labels is not None:
        for r, label in enumerate(row_labels):
            axes[r, 0].set_ylabel(str(label), rotation=0, ha="right", va="center", fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
