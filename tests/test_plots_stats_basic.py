"""vaelib.plots (image grids) and vaelib.stats (error measures) used from the data page on."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from vaelib import plots, stats


def constant_images(values):
    return np.stack([np.full(784, v, dtype=np.float32) for v in values])


def test_image_mosaic_places_images_row_by_row():
    vals = [0.1, 0.2, 0.3, 0.4, 0.5]
    m = plots.image_mosaic(constant_images(vals), n_cols=3, pad=2, pad_value=1.0)
    assert m.shape == (2 * 28 + 2, 3 * 28 + 4)
    for i, v in enumerate(vals):
        r, c = divmod(i, 3)
        block = m[r * 30 : r * 30 + 28, c * 30 : c * 30 + 28]
        np.testing.assert_allclose(block, v)
    np.testing.assert_allclose(m[30:, 60:], 1.0)  # the empty sixth slot is padding
    np.testing.assert_allclose(m[28:30, :], 1.0)  # the gap between rows


def test_image_mosaic_keeps_orientation_of_each_image():
    img = np.zeros((1, 28, 28), dtype=np.float32)
    img[0, 0, 27] = 1.0  # top-right pixel
    m = plots.image_mosaic(img, n_cols=1)
    assert m[0, 27] == 1.0 and m.sum() == 1.0


@pytest.mark.parametrize("n_cols", [0, -1, 2.5, True])
def test_image_mosaic_rejects_bad_columns(n_cols):
    with pytest.raises(ValueError, match="n_cols"):
        plots.image_mosaic(constant_images([0.5]), n_cols=n_cols)


def test_show_images_draws_one_panel_per_image_with_titles_and_row_labels():
    fig = plots.show_images(
        constant_images([0.0, 0.5, 1.0, 0.2]),
        n_cols=2,
        titles=list("abcd"),
        row_labels=["top", "bottom"],
    )
    with_images = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 4 and len(with_images) == 4
    assert [ax.get_title() for ax in fig.axes] == list("abcd")
    assert fig.axes[0].get_ylabel() == "top" and fig.axes[2].get_ylabel() == "bottom"
    np.testing.assert_allclose(with_images[1].images[0].get_array(), 0.5)
    matplotlib.pyplot.close(fig)


def test_show_images_hides_empty_slots():
    fig = plots.show_images(constant_images([0.1, 0.2, 0.3]), n_cols=2)
    assert len(fig.axes) == 4 and sum(1 for ax in fig.axes if ax.images) == 3
    assert not fig.axes[3].axison
    matplotlib.pyplot.close(fig)


def test_show_images_validates():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        plots.show_images(np.full((2, 784), 255.0))
    with pytest.raises(ValueError, match="titles"):
        plots.show_images(constant_images([0.1, 0.2]), titles=["only one"])
    with pytest.raises(ValueError, match="row_labels"):
        plots.show_images(constant_images([0.1, 0.2]), n_cols=1, row_labels=["one"])


def test_okabe_ito_palette_is_distinct_hex_colours():
    assert len(set(plots.OKABE_ITO)) == 8
    assert all(matplotlib.colors.is_color_like(c) for c in plots.OKABE_ITO)


def test_error_measures_against_hand_computation():
    rng = np.random.default_rng(1)
    x = rng.random((4, 784))
    y = np.clip(x + rng.normal(0, 0.05, x.shape), 0, 1)
    diff = x - y
    np.testing.assert_allclose(
        stats.squared_error_per_image(x, y), (diff**2).sum(axis=1), rtol=1e-5
    )
    assert stats.rmse(x, y) == pytest.approx(np.sqrt((diff**2).mean()), rel=1e-5)
    assert stats.rmse(x, y) != pytest.approx(
        np.abs(diff).mean(), rel=1e-3
    )  # RMSE is not MAE


def test_psnr_known_values():
    clean = np.full((2, 784), 0.5)
    assert stats.psnr(clean, clean + 0.1) == pytest.approx(20.0, abs=1e-4)  # MSE 0.01
    assert stats.psnr(clean, clean + 0.01) == pytest.approx(40.0, abs=1e-3)  # MSE 1e-4
    assert stats.psnr(clean, clean) == float("inf")


def test_error_measures_validate_inputs():
    a = np.zeros((2, 784))
    with pytest.raises(ValueError, match="same shape"):
        stats.psnr(a, np.zeros((3, 784)))
    with pytest.raises(ValueError, match="NaN"):
        stats.rmse(a, np.full((2, 784), np.nan))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        stats.squared_error_per_image(
            np.full((2, 784), 2.0), a
        )  # the images themselves must be in [0, 1]
    with pytest.raises(ValueError, match="NaN"):
        stats.squared_error_per_image(a, np.full((2, 784), np.nan))
    with pytest.raises(TypeError, match="x_hat"):
        stats.squared_error_per_image(a, "reconstructions")


def test_squared_error_accepts_linear_reconstructions_outside_the_unit_interval():
    x = np.zeros((2, 784))
    x_hat = np.full((2, 28, 28), -0.5)  # a PCA reconstruction can undershoot 0
    np.testing.assert_allclose(stats.squared_error_per_image(x, x_hat), [196.0, 196.0])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        stats.rmse(
            x, x_hat.reshape(2, 784)
        )  # rmse and psnr still want images on both sides


def test_print_history_one_short_line_per_epoch(capsys):
    plots.print_history({"loss": [3.14159, 2.5], "val_loss": [3.0, 2.4]})
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "epoch   1: loss 3.142, val_loss 3",
        "epoch   2: loss 2.5, val_loss 2.4",
    ]


def test_print_history_rejects_what_fit_did_not_return():
    with pytest.raises(TypeError, match="keras.Model.fit"):
        plots.print_history([1.0, 2.0])
