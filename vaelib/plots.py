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
    "latent_grid_points",
    "decode_latent_grid",
    "latent_grid",
    "gaussian_density_grid",
    "gaussian_surfaces",
]

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
    """Show images in a grid of small greyscale panels, one axis per image; return the Figure.

    Introduced in the data page. ``titles`` (one per image) go above the panels;
    ``row_labels`` (one per row) go at the left of each row. Ink is drawn dark on white
    (``gray_r``), the way digits are written.
    """
    import matplotlib.pyplot as plt

    x = check_images(images, name="images").reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    if (
        isinstance(n_cols, bool)
        or not isinstance(n_cols, (int, np.integer))
        or n_cols < 1
    ):
        raise ValueError(f"n_cols must be a positive integer, got {n_cols!r}")
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
    fig, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(
            scale * 0.9 * n_cols + (1.2 if row_labels else 0),
            scale * 0.95 * n_rows,
        ),
        squeeze=False,
    )
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
            axes[r, 0].set_ylabel(
                str(label), rotation=0, ha="right", va="center", fontsize=9
            )
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


# --- Latent-space figures (introduced in chapter 4, reused in chapters 3 and 5) -------------

# Ten colours for the ten digits: Paul Tol's "muted" qualitative scheme (nine colours designed
# to stay distinct under common colour-vision deficiencies) plus black, assigned so that digits
# whose latent regions usually touch (4/7/9, 3/5/8, 2/6) get clearly different colours. Each
# digit also has its own marker, so the classes stay apart in greyscale print.
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
    """Return ``z`` as a float64 array of shape (n, 2), or raise TypeError/ValueError."""
    arr = as_numeric_array(z, name, "an array of 2-D latent points")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(
            f"{name} must have shape (n, 2): one row (z1, z2) per point, got {arr.shape}"
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


def _check_positive_float(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def latent_scatter(
    z,
    labels=None,
    ax=None,
    s: float = 4.0,
    alpha: float = 0.6,
    legend: bool = True,
    title=None,
    figsize=(5.6, 4.6),
):
    """Scatter 2-D latent points, one colour and one marker per digit; return the Figure.

    Introduced in chapter 4 (figure 2.6 of the source: the latent means of the test set).
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
                f"labels must have one entry per point ({len(pts)}), got shape {lab.shape}"
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


def latent_grid_points(n_per_axis: int = 15, low: float = 0.05, high: float = 0.95):
    """Latent points on a grid at quantiles of N(0, 1); return ``(z1, z2, points)``.

    Introduced in chapter 4 (figure 2.7 of the source). The probabilities
    ``linspace(low, high, n_per_axis)`` go through the inverse normal CDF
    (``scipy.stats.norm.ppf``), so neighbouring values enclose equal prior probability, not
    equal steps in z. ``z1`` increases left to right; ``z2`` *decreases* from row 0 to the last
    row, so that when the grid is drawn as an image (row 0 at the top) $z_2$ increases
    upwards, as in a scatter plot. ``points`` has shape (n_per_axis**2, 2), row by row:
    ``points[r * n_per_axis + c] == (z1[c], z2[r])``.
    """
    from scipy.stats import norm

    n = _check_positive_int(n_per_axis, "n_per_axis", minimum=2)
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(
            value, (int, float, np.integer, np.floating)
        ):
            raise TypeError(
                f"{name} must be a probability (a number), got {type(value).__name__}"
            )
    if not 0.0 < low < high < 1.0:
        raise ValueError(
            f"need 0 < low < high < 1 (probabilities), got low={low!r}, high={high!r}"
        )
    z1 = norm.ppf(np.linspace(low, high, n))
    z2 = z1[::-1].copy()
    g1, g2 = np.meshgrid(z1, z2)  # [row, column]
    points = np.column_stack([g1.ravel(), g2.ravel()])
    return z1, z2, points


def decode_latent_grid(
    decoder, n_per_axis: int = 15, low: float = 0.05, high: float = 0.95
):
    """Decode the quantile grid of :func:`latent_grid_points` in ONE batched call.

    Introduced in chapter 4. ``decoder`` is anything with a Keras-style
    ``predict(points, batch_size=..., verbose=0)`` returning images (n, 784) or (n, 28, 28)
    in [0, 1]. Returns ``(mosaic, z1, z2)``: the decoded images tiled with
    :func:`image_mosaic` (cell ``[r, c]`` shows the point ``(z1[c], z2[r])``; the top-left
    cell is the smallest $z_1$ and the largest $z_2$) and the grid values.
    """
    if not callable(getattr(decoder, "predict", None)):
        raise TypeError(
            f"decoder must have a predict method (a Keras model), got {type(decoder).__name__}"
        )
    z1, z2, points = latent_grid_points(n_per_axis, low, high)
    images = decoder.predict(
        points.astype(np.float32), batch_size=len(points), verbose=0
    )
    images = check_images(images, name="decoded images")
    if len(images) != len(points):
        raise ValueError(
            f"decoder returned {len(images)} images for {len(points)} latent points"
        )
    return image_mosaic(images, n_cols=len(z1)), z1, z2


def latent_grid(
    decoder,
    n_per_axis: int = 15,
    low: float = 0.05,
    high: float = 0.95,
    ax=None,
    figsize=(6.0, 6.0),
    tick_every: int = 2,
):
    """Draw the decoded quantile grid (figure 2.7 of the source); return the Figure.

    Introduced in chapter 4. Decodes with :func:`decode_latent_grid` (one ``predict`` call)
    and shows the mosaic in greyscale (ink dark on white) with row 0 at the top holding the
    largest $z_2$, so the grid has the orientation of :func:`latent_scatter`. Every
    ``tick_every``-th cell is labelled with its $z_1$ (below) or $z_2$ (left) value.
    """
    import matplotlib.pyplot as plt

    every = _check_positive_int(tick_every, "tick_every")
    mosaic, z1, z2 = decode_latent_grid(decoder, n_per_axis, low, high)
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    ax.imshow(
        mosaic,
        cmap="gray_r",
        vmin=0.0,
        vmax=1.0,
        origin="upper",
        interpolation="nearest",
    )
    centres = IMAGE_SIDE * (np.arange(len(z1)) + 0.5) - 0.5
    idx = np.arange(0, len(z1), every)

    def fmt(v):  # round first so that -1e-16 prints as 0.00, not -0.00
        return f"{np.round(v, 2) + 0.0:.2f}"

    ax.set_xticks(centres[idx], [fmt(v) for v in z1[idx]], rotation=90, fontsize=8)
    ax.set_yticks(centres[idx], [fmt(v) for v in z2[idx]], fontsize=8)
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    return fig


def gaussian_density_grid(variance: float, extent: float = 3.0, n_grid: int = 60):
    """Density of an uncorrelated 2-D Gaussian N(0, variance * I) on a square grid.

    Introduced in chapter 4 (figure 2.5 of the source). Returns ``(z1, z2, density)``,
    meshgrids over ``[-extent, extent]**2`` with ``n_grid`` points per axis, where
    ``density = exp(-(z1**2 + z2**2) / (2 variance)) / (2 pi variance)``: a density, not a
    probability; its peak ``1 / (2 pi variance)`` exceeds 1 when ``variance < 1 / (2 pi)``.
    """
    v = _check_positive_float(variance, "variance")
    e = _check_positive_float(extent, "extent")
    n = _check_positive_int(n_grid, "n_grid", minimum=2)
    axis = np.linspace(-e, e, n)
    g1, g2 = np.meshgrid(axis, axis)
    density = np.exp(-(g1**2 + g2**2) / (2.0 * v)) / (2.0 * np.pi * v)
    return g1, g2, density


def gaussian_surfaces(
    variances=(0.5, 1.0, 2.0),
    zmax: float | None = 0.7,
    extent: float = 3.0,
    n_grid: int = 60,
    figsize=None,
):
    """Figure 2.5 of the source: 2-D Gaussian densities as 3-D surfaces; return the Figure.

    Introduced in chapter 4. One column per variance. The first row lets each panel choose
    its own vertical scale; if ``zmax`` is given, a second row draws the same densities on a
    shared vertical axis ``[0, zmax]`` (values above ``zmax`` are cut off at ``zmax``), so
    their heights can be compared. Surfaces use the ``viridis`` map on a coarse
    ``n_grid`` x ``n_grid`` mesh, which is cheap to draw.
    """
    import matplotlib.pyplot as plt

    if isinstance(variances, (str, bytes)):
        raise TypeError("variances must be a sequence of positive numbers")
    variances = [
        _check_positive_float(v, "each variance")
        for v in np.atleast_1d(variances).tolist()
    ]
    if not variances:
        raise ValueError("variances is empty: give at least one variance")
    if zmax is not None:
        zmax = _check_positive_float(zmax, "zmax")
    _check_positive_float(extent, "extent")
    _check_positive_int(n_grid, "n_grid", minimum=2)
    n_rows = 1 if zmax is None else 2
    if figsize is None:
        figsize = (3.0 * len(variances), 2.9 * n_rows)
    fig = plt.figure(figsize=figsize)
    for row in range(n_rows):
        for col, v in enumerate(variances):
            ax = fig.add_subplot(
                n_rows, len(variances), row * len(variances) + col + 1, projection="3d"
            )
            g1, g2, p = gaussian_density_grid(v, extent, n_grid)
            if row == 1:
                p = np.minimum(p, zmax)
            ax.plot_surface(
                g1,
                g2,
                p,
                cmap="viridis",
                linewidth=0,
                antialiased=False,
                vmin=0.0,
                vmax=float(p.max()) if row == 0 else zmax,
            )
            if row == 1:
                ax.set_zlim(0.0, zmax)
            ax.set_title(
                f"variance {v:g}"
                + ("" if row == 0 else f", vertical axis 0 to {zmax:g}"),
                fontsize=9,
            )
            ax.set_xlabel("$z_1$", fontsize=8, labelpad=-6)
            ax.set_ylabel("$z_2$", fontsize=8, labelpad=-6)
            ax.set_zlabel("density", fontsize=8, labelpad=-2)
            ax.tick_params(labelsize=6, pad=-2)
    fig.tight_layout()
    return fig


def print_history(history, every: int = 1) -> None:
    """Print a Keras training history as one short line per epoch.

    Keras's own progress lines are wider than a book's column; fit with ``verbose=0`` and
    call this instead: ``print_history(model.fit(..., verbose=0))``. ``history`` is what
    ``fit`` returns (or its ``.history`` dict); every recorded metric is shown, rounded.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise TypeError(
            "history must be what keras.Model.fit returns (or its .history)"
        )
    every = _check_positive_int(every, "every")
    n_epochs = len(next(iter(logs.values())))
    short = {"reconstruction_loss": "recon", "val_reconstruction_loss": "val_recon"}
    for epoch in range(n_epochs):
        if (epoch + 1) % every and epoch + 1 != n_epochs:
            continue
        parts = [f"{short.get(k, k)} {float(v[epoch]):.4g}" for k, v in logs.items()]
        print(f"epoch {epoch + 1:>3}: " + ", ".join(parts))
