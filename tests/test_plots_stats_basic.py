"""vaelib.plots (image grids, training history), used from the data page on, and the
error measures chapter 1 teaches (squared_error_per_image, rmse, psnr, exported to
vaelib.autoencoder), checked against NumPy written out by hand."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from vaelib import plots
from vaelib.autoencoder import psnr, rmse, squared_error_per_image


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
    per_image = [sum((x[i, j] - y[i, j]) ** 2 for j in range(784)) for i in range(4)]
    np.testing.assert_allclose(squared_error_per_image(x, y), per_image, rtol=1e-5)
    diff = x - y
    assert rmse(x, y) == pytest.approx(np.sqrt((diff**2).mean()), rel=1e-5)
    # RMSE is neither the mean absolute error nor the mean of per-image RMSEs' squares
    assert rmse(x, y) > np.abs(diff).mean() * 1.01
    assert rmse(x, y) ** 2 * 784 == pytest.approx(np.mean(per_image), rel=1e-5)


def test_error_measures_accept_28_by_28_images_and_lists():
    x = np.zeros((3, 28, 28))
    y = np.full((3, 28, 28), 0.5)
    np.testing.assert_allclose(squared_error_per_image(x, y), [196.0] * 3)
    assert rmse(x, y) == pytest.approx(0.5)
    assert rmse(x.reshape(3, 784).tolist(), y.reshape(3, 784)) == pytest.approx(0.5)


def test_rmse_of_a_few_differing_pixels():
    x = np.zeros((1, 784))
    y = x.copy()
    y[0, :4] = [0.0, 0.5, 1.0, 0.0]  # squared errors 0, 0.25, 1, 0 and 780 zeros
    assert rmse(x, y) == pytest.approx(np.sqrt(1.25 / 784))
    assert squared_error_per_image(x, y)[0] == pytest.approx(1.25)


def test_psnr_known_values():
    clean = np.full((2, 784), 0.5)
    assert psnr(clean, clean + 0.1) == pytest.approx(20.0, abs=1e-4)  # MSE 0.01
    assert psnr(clean, clean + 0.01) == pytest.approx(40.0, abs=1e-3)  # MSE 1e-4
    assert psnr(clean, clean) == float("inf")
    assert psnr(np.zeros((1, 784)), np.ones((1, 784))) == pytest.approx(0.0)  # MSE 1


def test_psnr_is_ten_log10_of_one_over_rmse_squared():
    rng = np.random.default_rng(5)
    x, y = rng.random((3, 784)), rng.random((3, 784))
    assert psnr(x, y) == pytest.approx(-20.0 * np.log10(rmse(x, y)), rel=1e-6)


def test_error_measures_validate_inputs():
    a = np.zeros((2, 784))
    with pytest.raises(ValueError, match="same shape"):
        psnr(a, np.zeros((3, 784)))
    with pytest.raises(ValueError, match="same shape"):
        squared_error_per_image(a, np.zeros((2, 10)))
    with pytest.raises(ValueError, match="NaN"):
        rmse(a, np.full((2, 784), np.nan))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        squared_error_per_image(np.full((2, 784), 2.0), a)  # images must be in [0, 1]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        rmse(a, np.full((2, 784), 255.0))  # raw bytes, not scaled
    with pytest.raises(ValueError, match="NaN"):
        squared_error_per_image(a, np.full((2, 784), np.nan))
    with pytest.raises(ValueError, match="shape"):
        rmse(np.zeros((2, 100)), np.zeros((2, 100)))
    with pytest.raises(TypeError, match="x_hat"):
        squared_error_per_image(a, "reconstructions")
    with pytest.raises(TypeError, match="x"):
        psnr(None, a)
    with pytest.raises(TypeError):
        rmse(a, np.zeros((2, 784), dtype=bool))


def test_squared_error_accepts_linear_reconstructions_outside_the_unit_interval():
    x = np.zeros((2, 784))
    x_hat = np.full((2, 28, 28), -0.5)  # a PCA reconstruction can undershoot 0
    np.testing.assert_allclose(squared_error_per_image(x, x_hat), [196.0, 196.0])
    x_hat_big = np.full((2, 784), 1.5)  # ... or overshoot 1
    np.testing.assert_allclose(squared_error_per_image(x, x_hat_big), [1764.0] * 2)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        rmse(x, x_hat.reshape(2, 784))  # rmse and psnr want images on both sides
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        psnr(x, x_hat_big)


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
