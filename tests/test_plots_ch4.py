"""Chapter 4's latent-space figures: ``vaelib.latent`` (exported from the chapter) and
the scatter plot and palette of ``vaelib.plots``.

The references are independent of the code under test: the inverse-CDF relation checked
with ``scipy.stats.norm.cdf``, the textbook value 1.6449 of the 95% normal quantile, the
density from ``scipy.stats.multivariate_normal`` and a Riemann sum, and a fake decoder
whose images encode the latent point they were decoded from.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy.stats import multivariate_normal, norm

from vaelib import latent, plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- palette --------------------------------------------------------------------------


def test_digit_palette_has_ten_distinct_colours_and_markers():
    assert len(plots.DIGIT_COLOURS) == 10 and len(plots.DIGIT_MARKERS) == 10
    rgb = [
        mcolors.to_rgb(c) for c in plots.DIGIT_COLOURS
    ]  # raises on an invalid colour
    assert len(set(rgb)) == 10
    assert len(set(plots.DIGIT_MARKERS)) == 10
    # no two colours nearly identical (Euclidean distance in RGB)
    rgb = np.array(rgb)
    dist = np.linalg.norm(rgb[:, None] - rgb[None], axis=-1)
    np.fill_diagonal(dist, np.inf)
    assert dist.min() > 0.15


# --- latent_scatter -------------------------------------------------------------------


def _points_and_labels(n_per_class=20, classes=range(10), seed=0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.array(list(classes)), n_per_class)
    z = rng.normal(size=(len(labels), 2)) + labels[:, None] * np.array([1.0, -0.5])
    perm = rng.permutation(len(labels))
    return z[perm], labels[perm]


def test_latent_scatter_draws_one_collection_per_digit_with_colour_marker_and_points():
    z, labels = _points_and_labels()
    fig = plots.latent_scatter(z, labels)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.collections) == 10
    for k, coll in enumerate(ax.collections):
        assert coll.get_label() == str(k)
        np.testing.assert_allclose(coll.get_offsets(), z[labels == k])
        np.testing.assert_allclose(
            coll.get_facecolor()[0][:3], mcolors.to_rgb(plots.DIGIT_COLOURS[k])
        )
    # distinct marker shapes: the path of each collection's marker differs
    paths = {
        tuple(map(tuple, np.round(c.get_paths()[0].vertices, 6)))
        for c in ax.collections
    }
    assert len(paths) == 10
    assert ax.get_xlabel() == "$z_1$" and ax.get_ylabel() == "$z_2$"


def test_latent_scatter_legend_lists_the_digits_present_in_order():
    z, labels = _points_and_labels(classes=[7, 2, 9])
    fig = plots.latent_scatter(z, labels)
    legend = fig.axes[0].get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["2", "7", "9"]
    assert legend.get_title().get_text() == "digit"
    fig_no_legend = plots.latent_scatter(z, labels, legend=False)
    assert fig_no_legend.axes[0].get_legend() is None


def test_latent_scatter_without_labels_draws_all_points_once_and_no_legend():
    z, _ = _points_and_labels(n_per_class=3)
    fig = plots.latent_scatter(z)
    ax = fig.axes[0]
    assert len(ax.collections) == 1 and ax.get_legend() is None
    np.testing.assert_allclose(ax.collections[0].get_offsets(), z)


def test_latent_scatter_draws_into_a_given_axes():
    z, labels = _points_and_labels(n_per_class=2)
    fig, axes = plt.subplots(1, 2)
    out = plots.latent_scatter(z, labels, ax=axes[1], title="right")
    assert out is fig
    assert len(axes[0].collections) == 0 and len(axes[1].collections) == 10
    assert axes[1].get_title() == "right"


@pytest.mark.parametrize(
    "z, labels, exc, match",
    [
        (np.zeros((5, 3)), None, ValueError, "shape"),
        (np.zeros(5), None, ValueError, "shape"),
        (np.zeros((0, 2)), None, ValueError, "empty"),
        (np.array([[0.0, np.nan]]), None, ValueError, "NaN"),
        ("points", None, TypeError, "latent points"),
        (np.array([["a", "b"]]), None, TypeError, "numbers"),
        (np.zeros((4, 2)), np.array([0, 1, 2]), ValueError, "one entry per point"),
        (np.zeros((2, 2)), np.array([0, 10]), ValueError, "digits 0-9"),
        (np.zeros((2, 2)), np.array([-1, 3]), ValueError, "digits 0-9"),
        (np.zeros((2, 2)), np.array([0.5, 1.0]), ValueError, "integer"),
    ],
)
def test_latent_scatter_rejects_bad_input(z, labels, exc, match):
    with pytest.raises(exc, match=match):
        plots.latent_scatter(z, labels)


# --- the quantile grid ----------------------------------------------------------------


def test_latent_grid_points_are_normal_quantiles():
    z1, z2, points = latent.latent_grid_points(15, 0.05, 0.95)
    np.testing.assert_allclose(norm.cdf(z1), np.linspace(0.05, 0.95, 15), atol=1e-12)
    np.testing.assert_allclose(
        [z1[0], z1[-1]], [-1.6448536, 1.6448536], atol=1e-6
    )  # textbook 95% quantile
    np.testing.assert_allclose(z1, -z1[::-1], atol=1e-12)  # symmetric
    steps = np.diff(z1)
    assert np.all(steps > 0) and steps[0] > 2 * steps[7]  # not evenly spaced in z
    np.testing.assert_allclose(z2, z1[::-1])  # z2 decreases down the rows
    assert points.shape == (225, 2)


def test_latent_grid_points_are_ordered_row_by_row_from_the_top():
    z1, z2, points = latent.latent_grid_points(4, 0.1, 0.9)
    for r in range(4):
        for c in range(4):
            np.testing.assert_allclose(points[r * 4 + c], [z1[c], z2[r]])
    np.testing.assert_allclose(points[0], [z1.min(), z2.max()])  # top-left
    np.testing.assert_allclose(points[-1], [z1.max(), z2.min()])  # bottom-right


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"n_per_axis": 1}, ValueError),
        ({"n_per_axis": 0}, ValueError),
        ({"n_per_axis": 2.5}, TypeError),
        ({"n_per_axis": True}, TypeError),
        ({"low": float("nan")}, ValueError),
        ({"high": None}, TypeError),
        ({"low": 0.0}, ValueError),
        ({"high": 1.0}, ValueError),
        ({"low": 0.6, "high": 0.4}, ValueError),
        ({"low": "0.1"}, TypeError),
    ],
)
def test_latent_grid_points_rejects_bad_arguments(kwargs, exc):
    with pytest.raises(exc):
        latent.latent_grid_points(**kwargs)


class CoordinateDecoder:
    """A fake decoder: image halves (z1 + 4) / 8 on the left, (z2 + 4) / 8 on the right.

    It records every call, so a test can check that the grid is decoded in one batch.
    """

    def __init__(self, n_images=None):
        self.calls = []
        self.n_images = n_images

    def predict(self, z, batch_size=None, verbose="auto"):
        z = np.asarray(z, dtype=np.float64)
        self.calls.append(z.copy())
        img = np.empty((len(z), 28, 28), dtype=np.float32)
        img[:, :, :14] = ((z[:, 0] + 4) / 8)[:, None, None]
        img[:, :, 14:] = ((z[:, 1] + 4) / 8)[:, None, None]
        if self.n_images is not None:
            img = img[: self.n_images]
        return img.reshape(len(img), 784)


def _decode_cell(mosaic, r, c):
    cell = mosaic[28 * r : 28 * (r + 1), 28 * c : 28 * (c + 1)]
    return cell[:, :14].mean() * 8 - 4, cell[:, 14:].mean() * 8 - 4


def test_decode_latent_grid_uses_one_predict_call_and_keeps_the_scatter_orientation():
    decoder = CoordinateDecoder()
    mosaic, z1, z2 = latent.decode_latent_grid(
        decoder, n_per_axis=5, low=0.05, high=0.95
    )
    assert len(decoder.calls) == 1 and decoder.calls[0].shape == (25, 2)
    assert mosaic.shape == (5 * 28, 5 * 28)
    for r in range(5):
        for c in range(5):
            np.testing.assert_allclose(
                _decode_cell(mosaic, r, c), (z1[c], z2[r]), atol=1e-5
            )
    # top-left is (smallest z1, largest z2): z2 grows upwards, as in a scatter plot
    np.testing.assert_allclose(
        _decode_cell(mosaic, 0, 0), (z1.min(), z2.max()), atol=1e-5
    )
    np.testing.assert_allclose(
        _decode_cell(mosaic, 4, 4), (z1.max(), z2.min()), atol=1e-5
    )
    assert z2.max() > 0 > z2.min()


def test_latent_grid_figure_shows_the_mosaic_with_z2_increasing_upwards():
    decoder = CoordinateDecoder()
    fig = latent.latent_grid(decoder, n_per_axis=15, tick_every=2)
    assert len(decoder.calls) == 1 and decoder.calls[0].shape == (225, 2)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.images) == 1
    shown = np.asarray(ax.images[0].get_array())
    expected, z1, z2 = latent.decode_latent_grid(CoordinateDecoder(), n_per_axis=15)
    np.testing.assert_allclose(shown, expected)
    assert (
        ax.get_ylim()[0] > ax.get_ylim()[1]
    )  # image rows run downwards: row 0 at the top
    # y tick labels: the tick highest on screen (smallest row coordinate) has the
    # largest z2
    yticks = ax.get_yticks()
    ylabels = [float(t.get_text()) for t in ax.get_yticklabels()]
    assert len(yticks) == 8  # every second of 15 cells
    assert ylabels[int(np.argmin(yticks))] == pytest.approx(z2.max(), abs=0.005)
    assert ylabels == sorted(ylabels, reverse=True)
    xlabels = [float(t.get_text()) for t in ax.get_xticklabels()]
    assert xlabels == sorted(xlabels) and xlabels[0] == pytest.approx(
        z1.min(), abs=0.005
    )
    assert "-0.00" not in [t.get_text() for t in ax.get_xticklabels()]
    assert ax.get_xlabel() == "$z_1$" and ax.get_ylabel() == "$z_2$"


def test_latent_grid_rejects_bad_decoders():
    with pytest.raises(TypeError, match="predict"):
        latent.latent_grid(lambda z: z)
    with pytest.raises(ValueError, match="returned 10 images for 225"):
        latent.decode_latent_grid(CoordinateDecoder(n_images=10))

    class OutOfRange(CoordinateDecoder):
        def predict(self, z, **kwargs):
            return super().predict(z, **kwargs) * 255  # raw bytes, not [0, 1]

    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        latent.decode_latent_grid(OutOfRange())

    class Vectors(CoordinateDecoder):
        def predict(self, z, **kwargs):
            return super().predict(z, **kwargs)[:, :100]  # not 28 x 28 images

    with pytest.raises(ValueError, match="shape"):
        latent.decode_latent_grid(Vectors())
    with pytest.raises(ValueError, match="tick_every"):
        latent.latent_grid(CoordinateDecoder(), tick_every=0)
    with pytest.raises(TypeError, match="tick_every"):
        latent.latent_grid(CoordinateDecoder(), tick_every=1.5)


def test_latent_grid_rejects_a_keras_decoder_of_another_latent_size():
    keras = pytest.importorskip("keras")
    decoder = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(784, activation="sigmoid")]
    )
    with pytest.raises(ValueError, match="takes 3 numbers"):
        latent.decode_latent_grid(decoder)


def test_latent_grid_draws_into_a_given_axes():
    fig, axes = plt.subplots(1, 2)
    out = latent.latent_grid(CoordinateDecoder(), n_per_axis=4, ax=axes[1])
    assert out is fig
    assert len(axes[0].images) == 0 and len(axes[1].images) == 1


# --- Gaussian densities (figure 2.5) --------------------------------------------------


@pytest.mark.parametrize("variance", [0.1, 0.5, 1.0, 2.0])
def test_gaussian_density_grid_matches_scipy_and_integrates_to_one(variance):
    g1, g2, dens = latent.gaussian_density_grid(variance, extent=3.0, n_grid=61)
    assert g1.shape == g2.shape == dens.shape == (61, 61)
    reference = multivariate_normal(mean=[0, 0], cov=variance * np.eye(2)).pdf(
        np.dstack([g1, g2])
    )
    np.testing.assert_allclose(dens, reference, rtol=1e-10)
    # the grid contains the origin (odd n_grid): there the density is 1 / (2 pi var)
    assert dens.max() == pytest.approx(1 / (2 * np.pi * variance), rel=1e-12)
    # total probability: a fine, wide grid gives a Riemann sum of 1
    w1, _, wide = latent.gaussian_density_grid(
        variance, extent=8 * np.sqrt(variance), n_grid=801
    )
    assert wide.sum() * (w1[0, 1] - w1[0, 0]) ** 2 == pytest.approx(1.0, abs=1e-6)


def test_a_narrow_gaussian_density_exceeds_one():
    _, _, dens = latent.gaussian_density_grid(0.1, extent=1.0, n_grid=21)
    assert dens.max() > 1.5


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"variance": 0.0}, ValueError),
        ({"variance": -1.0}, ValueError),
        ({"variance": np.inf}, ValueError),
        ({"variance": "1"}, TypeError),
        ({"variance": 1.0, "extent": 0.0}, ValueError),
        ({"variance": 1.0, "n_grid": 1}, ValueError),
        ({"variance": 1.0, "n_grid": 10.0}, TypeError),
    ],
)
def test_gaussian_density_grid_rejects_bad_arguments(kwargs, exc):
    with pytest.raises(exc):
        latent.gaussian_density_grid(**kwargs)


def test_gaussian_surfaces_draws_a_row_per_scale_and_a_column_per_variance():
    fig = latent.gaussian_surfaces((0.5, 1.0, 2.0), zmax=0.7, n_grid=20)
    assert len(fig.axes) == 6
    assert all(ax.name == "3d" for ax in fig.axes)
    top, bottom = fig.axes[:3], fig.axes[3:]
    for ax, v in zip(top, (0.5, 1.0, 2.0), strict=True):
        assert f"variance {v:g}" in ax.get_title()
        assert ax.get_zlim()[1] >= 0.9 / (
            2 * np.pi * v
        )  # autoscaled to (about) the peak
        assert len(ax.collections) == 1
    for ax in bottom:
        assert ax.get_zlim() == pytest.approx((0.0, 0.7))
    # each surface is drawn with the variance's own density: the autoscaled tops differ
    assert top[0].get_zlim()[1] > 2 * top[2].get_zlim()[1]


def test_gaussian_surfaces_without_zmax_has_one_row():
    fig = latent.gaussian_surfaces((1.0, 0.1), zmax=None, n_grid=10)
    assert len(fig.axes) == 2


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"variances": ()}, ValueError),
        ({"variances": (1.0, -2.0)}, ValueError),
        ({"variances": "0.5"}, TypeError),
        ({"zmax": 0.0}, ValueError),
        ({"n_grid": 1}, ValueError),
    ],
)
def test_gaussian_surfaces_rejects_bad_arguments(kwargs, exc):
    with pytest.raises(exc):
        latent.gaussian_surfaces(**kwargs)
