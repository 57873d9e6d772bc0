"""Figures reused across chapters.

Every function returns the matplotlib ``Figure`` it drew (or the array it built), so a
notebook can ``glue`` it and a test can inspect it. Palettes are colour-blind safe:
greyscale for digits, Okabe-Ito and Paul Tol colours for categories.
"""

from __future__ import annotations

import numpy as np

from .data import IMAGE_SIDE, as_numeric_array, check_images

__all__ = [
    "OKABE_ITO",
    "image_mosaic",
    "show_images",
    "DIGIT_COLOURS",
    "DIGIT_MARKERS",
    "latent_scatter",
    "PHONE_COLUMN_PX",
    "PHONE_BOX_PX",
    "MIN_TEXT_PX",
    "GRID_FONT_PT",
    "max_width_in",
    "phone_text_px",
]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any common
# colour-vision deficiency.
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


# The book on a 390 px phone (tests/test_layout.py measures it): a figure is shown at
# its natural size, shrunk to the text column when wider. Its text should stay at least
# MIN_TEXT_PX high there.
PHONE_COLUMN_PX = 358.0
# The narrowest box a figure is shown in on that phone: an exercise solution's dropdown
# (_static/phone-figures.css).
PHONE_BOX_PX = 333.0
MIN_TEXT_PX = 9.0
# The font size of the labels in image grids (show_images).
GRID_FONT_PT = 9.0


def _check_positive_number(value, name: str) -> float:
    """``value`` as a float if it is a real number above 0, else a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return float(value)


def max_width_in(font_pt: float, column_px: float = PHONE_COLUMN_PX) -> float:
    """The widest figure (inches, its tight bounding box) whose ``font_pt`` text stays
    ``MIN_TEXT_PX`` high when shown in a box ``column_px`` wide: about 0.55 in per point
    in the phone's text column, less the 0.1 in padding IPython adds on each side (8 pt:
    4.2 in; 10 pt: 5.3 in). For a figure in an exercise solution pass
    ``column_px=PHONE_BOX_PX``."""
    _check_positive_number(font_pt, "font_pt")
    _check_positive_number(column_px, "column_px")
    return font_pt / 72 * column_px / MIN_TEXT_PX - 2 * 0.1


def image_mosaic(
    images, n_cols: int, pad: int = 0, pad_value: float = 1.0
) -> np.ndarray:
    """Tile images (n, 784) or (n, 28, 28) into one 2-D array, row by row.

    Introduced in the data page. Image ``i`` lands in row ``i // n_cols`` and column
    ``i % n_cols`` (row 0 at the top); a short last row is padded with ``pad_value``.
    """
    x = check_images(images, name="images").reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    if (
        isinstance(n_cols, bool)
        or not isinstance(n_cols, (int, np.integer))
        or n_cols < 1
    ):
        raise ValueError(f"n_cols must be a positive integer, got {n_cols!r}")
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"pad must be a non-negative integer, got {pad!r}")
    n_rows = -(-len(x) // n_cols)
    cell = IMAGE_SIDE + pad
    mosaic = np.full(
        (n_rows * cell - pad, n_cols * cell - pad), pad_value, dtype=np.float32
    )
    for i, img in enumerate(x):
        r, c = divmod(i, n_cols)
        mosaic[r * cell : r * cell + IMAGE_SIDE, c * cell : c * cell + IMAGE_SIDE] = img
    return mosaic


def show_images(
    images,
    n_cols: int = 10,
    titles=None,
    row_labels=None,
    scale: float = 1.0,
    suptitle=None,
):
    """Show images in a grid of small greyscale panels, return the figure.

    Introduced in the data page. ``titles`` (one per image) go above the panels;
    ``row_labels`` (one per row) go at the left of each row. Ink is drawn dark on white
    (``gray_r``), the way digits are written. At ``scale=1`` the grid is as wide as it
    can be while its 9 pt labels stay at least ``MIN_TEXT_PX`` high on a phone
    (``phone_text_px``), even in a solution's narrower box (``PHONE_BOX_PX``);
    ``scale < 1`` draws it smaller.
    """
    import matplotlib.pyplot as plt

    x = check_images(images, name="images").reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    if (
        isinstance(n_cols, bool)
        or not isinstance(n_cols, (int, np.integer))
        or n_cols < 1
    ):
        raise ValueError(f"n_cols must be a positive integer, got {n_cols!r}")
    scale = _check_positive_number(scale, "scale")
    n_cols = min(int(n_cols), len(x))
    n_rows = -(-len(x) // n_cols)
    if titles is not None and len(titles) != len(x):
        raise ValueError(
            f"titles must have one entry per image ({len(x)}), got {len(titles)}"
        )
    if row_labels is not None and len(row_labels) != n_rows:
        raise ValueError(
            f"row_labels must have one entry per row ({n_rows}), got {len(row_labels)}"
        )
    # Room for the row labels (about 0.07 in per character at 9 pt), then panels as
    # large as fit in the narrowest box a phone shows a figure in (a solution's) without
    # shrinking 9 pt text below MIN_TEXT_PX, and never larger than 0.9 in.
    lines = [line for r in row_labels or () for line in str(r).splitlines()]
    label_in = 0.15 + 0.07 * max(map(len, lines)) if lines else 0
    room = max_width_in(GRID_FONT_PT, PHONE_BOX_PX) - 0.15 - label_in  # titles overhang
    panel = scale * min(0.9, room / n_cols)
    fig, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(panel * n_cols + label_in, panel * n_rows * 1.05 + 0.1),
        squeeze=False,
    )
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i < len(x):
            ax.imshow(x[i], cmap="gray_r", vmin=0.0, vmax=1.0)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=GRID_FONT_PT, pad=2)
        else:
            ax.axis("off")
    if row_labels is not None:
        for r, label in enumerate(row_labels):
            axes[r, 0].set_ylabel(
                str(label), rotation=0, ha="right", va="center", fontsize=GRID_FONT_PT
            )
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout(pad=0.2, h_pad=0.3 if titles is not None else 0.1, w_pad=0.1)
    return fig


# --- Digit palette and latent scatter (introduced in chapter 4) ----------------------

# Ten colours for the ten digits: Paul Tol's "muted" qualitative scheme (nine colours
# designed to stay distinct under common colour-vision deficiencies) plus black,
# assigned so that digits whose latent regions usually touch (4/7/9, 3/5/8, 2/6) get
# clearly different colours. Each digit also has its own marker, so the classes stay
# apart in greyscale print.
DIGIT_COLOURS = (
    "#332288",  # 0 indigo
    "#88CCEE",  # 1 cyan
    "#117733",  # 2 green
    "#CC6677",  # 3 rose
    "#DDCC77",  # 4 sand
    "#44AA99",  # 5 teal
    "#882255",  # 6 wine
    "#AA4499",  # 7 purple
    "#999933",  # 8 olive
    "#000000",  # 9 black
)
DIGIT_MARKERS = ("o", "s", "^", "v", "D", "P", "X", "*", "<", ">")


def _check_latent_points(z, name: str = "z") -> np.ndarray:
    """``z`` as a float64 array of shape (n, 2), or raise TypeError/ValueError."""
    arr = as_numeric_array(z, name, "an array of 2-D latent points")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(
            f"{name} must have shape (n, 2): one row (z1, z2) per point, "
            f"got {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: expected at least one point")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _check_positive_int(value, name: str, minimum: int = 1) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < minimum
    ):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def latent_scatter(
    z,
    labels=None,
    ax=None,
    s: float = 4.0,
    alpha: float = 0.6,
    legend: bool = True,
    title=None,
    figsize=(4.3, 3.6),
):
    """Scatter 2-D latent points, one colour and marker per digit; return the Figure.

    Introduced in chapter 4 (the source's figure 2.6: the test set's latent means).
    ``z`` has shape (n, 2); ``labels`` (optional) holds one integer digit 0-9 per point.
    Digit ``k`` is drawn as one scatter collection in ``DIGIT_COLOURS[k]`` with marker
    ``DIGIT_MARKERS[k]``, and the legend (titled "digit") lists the digits present, in
    order. Without labels all points share one colour and there is no legend. The axes
    have equal scales on $z_1$ and $z_2$, so distances can be read off the plot. Pass
    ``ax`` to draw into an existing axes (for side-by-side panels).
    """
    import matplotlib.pyplot as plt

    pts = _check_latent_points(z)
    if labels is not None:
        lab = np.asarray(labels)
        if lab.ndim != 1 or len(lab) != len(pts):
            raise ValueError(
                f"labels must have one entry per point ({len(pts)}), "
                f"got shape {lab.shape}"
            )
        if lab.dtype == bool or not np.issubdtype(lab.dtype, np.integer):
            raise ValueError(
                f"labels must be integer digits 0-9, got dtype {lab.dtype}"
            )
        if lab.min() < 0 or lab.max() >= len(DIGIT_COLOURS):
            raise ValueError(
                f"labels must be digits 0-9, got values in [{lab.min()}, {lab.max()}]"
            )
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    if labels is None:
        ax.scatter(
            pts[:, 0], pts[:, 1], s=s, alpha=alpha, color=DIGIT_COLOURS[0], linewidths=0
        )
    else:
        for k in np.unique(lab):
            sel = lab == k
            ax.scatter(
                pts[sel, 0],
                pts[sel, 1],
                s=s,
                alpha=alpha,
                color=DIGIT_COLOURS[k],
                marker=DIGIT_MARKERS[k],
                linewidths=0,
                label=str(int(k)),
            )
        if legend:
            leg = ax.legend(
                title="digit",
                loc="center left",
                bbox_to_anchor=(1.01, 0.5),
                frameon=False,
                markerscale=max(1.0, 16.0 / max(s, 1e-9)) ** 0.5,
                handletextpad=0.2,
            )
            for handle in leg.legend_handles:
                handle.set_alpha(1.0)
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title)
    return fig


def print_history(history, every: int = 1) -> None:
    """Print a Keras training history as one short line per epoch.

    Keras's own progress lines are wider than a book's column: fit with ``verbose=0``
    and call this instead: ``print_history(model.fit(..., verbose=0))``. ``history``
    is what ``fit`` returns (or its ``.history`` dict); every metric is shown, rounded.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise TypeError(
            "history must be what keras.Model.fit returns (or its .history)"
        )
    every = _check_positive_int(every, "every")
    n_epochs = len(next(iter(logs.values())))
    short = {
        "reconstruction_loss": "recon",
        "val_reconstruction_loss": "val_recon",
        "kl_loss": "kl",
        "val_kl_loss": "val_kl",
    }
    for epoch in range(n_epochs):
        if (epoch + 1) % every and epoch + 1 != n_epochs:
            continue
        parts = [f"{short.get(k, k)} {float(v[epoch]):.4g}" for k, v in logs.items()]
        print(f"epoch {epoch + 1:>3}: " + ", ".join(parts))


def phone_text_px(fig, column_px: float = PHONE_COLUMN_PX) -> float:
    """Height in CSS px of ``fig``'s smallest text when the book shows it on a phone.

    The book saves a figure as a PNG at ``fig.dpi``, cropped to its tight bounding box
    (plus matplotlib's 0.1 in padding), and shows it at its natural size, shrunk to
    ``column_px`` when wider. A ``fontsize`` of ``pt`` points is then
    ``pt * dpi / 72 * min(1, column_px / width_px)`` px high. Use it to size a figure
    for a phone: ``assert phone_text_px(fig) >= plots.MIN_TEXT_PX``. Figures with no
    text return ``inf``.
    """
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    _check_positive_number(column_px, "column_px")
    # get_tightbbox finds a renderer itself, also for a figure plt.close() detached
    width_px = (fig.get_tightbbox().width + 2 * 0.1) * fig.dpi
    sizes = [
        t.get_fontsize()
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure() is not None
    ]
    if not sizes:
        return float("inf")
    return min(sizes) * fig.dpi / 72 * min(1.0, column_px / width_px)
