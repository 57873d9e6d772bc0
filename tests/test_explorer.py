"""The live widgets (vaelib.explorer): the quantised decoder matches Keras, bad input is
refused, and, in headless Chromium, the page draws what the Keras decoder draws."""

import keras
import numpy as np
import pytest
from conftest import headless_chromium

from vaelib import explorer


def small_decoder(hidden=256, seed=3):
    keras.utils.set_random_seed(seed)
    z = keras.Input(shape=(2,))
    h = keras.layers.Dense(hidden, activation="relu")(z)
    x = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, x)


@pytest.fixture(scope="module")
def decoder():
    return small_decoder()


@pytest.fixture(scope="module")
def codes():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, size=600)
    z = rng.normal(size=(600, 2)) + np.stack([np.cos(labels), np.sin(labels)], 1) * 2
    return z, labels


def test_quantised_decoder_matches_keras(decoder):
    z = np.random.default_rng(1).normal(size=(200, 2)) * 2
    reference = decoder.predict(z, verbose=0)
    mine = explorer.browser_decode(explorer.decoder_layers(decoder), z)
    error = np.abs(mine - reference).max()
    assert 0 < error < 0.02, error  # int8 weights: small but not zero


def test_payload_of_the_book_decoder_is_under_500_kb(decoder, codes):
    widget = explorer.latent_explorer(decoder, *codes)
    assert 150_000 < len(widget.data.encode()) < 500_000
    assert 0 < widget.quantisation < 0.02


@pytest.mark.parametrize(
    "bad, error, message",
    [
        ("not a model", TypeError, "keras.Model"),
        (
            keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, "softplus")]),
            TypeError,
            "activation",
        ),
        (
            keras.Sequential([keras.Input((2, 1)), keras.layers.Flatten()]),
            TypeError,
            "Dense layers only",
        ),
    ],
)
def test_decoder_layers_refuses_what_the_page_cannot_run(bad, error, message):
    with pytest.raises(error, match=message):
        explorer.decoder_layers(bad)


def test_latent_explorer_refuses_bad_input(decoder, codes):
    z, labels = codes
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        explorer.latent_explorer(decoder, z[:, :1], labels)
    with pytest.raises(ValueError, match="one digit 0-9"):
        explorer.latent_explorer(decoder, z, labels + 5)
    with pytest.raises(ValueError, match="2 latent numbers to 784"):
        wide = keras.Sequential([keras.Input((3,)), keras.layers.Dense(784)])
        explorer.latent_explorer(wide, np.zeros((5, 2)), np.zeros(5, int))
    with pytest.raises(ValueError, match="at least two"):
        explorer.latent_explorer(decoder, z, labels, anchors=[("one", (0, 0))])


def test_curve_explorer_refuses_bad_input():
    x = np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match="increasing"):
        explorer.curve_explorer(x[::-1], [{"name": "a", "y": np.zeros((2, 5))}], "ab")
    with pytest.raises(ValueError, match=r"shape \(2, 5\)"):
        explorer.curve_explorer(x, [{"name": "a", "y": np.zeros((3, 5))}], "ab")


# --- In a real browser ---------------------------------------------------------------


@pytest.fixture(scope="module")
def page(tmp_path_factory, decoder, codes):
    z, labels = codes
    anchors = [("first", (-2.0, 1.0)), ("second", (1.5, -0.5))]
    latent = explorer.latent_explorer(decoder, z, labels, anchors=anchors).data
    x = np.linspace(-3, 3, 61)
    curves = [
        {
            "name": "wide",
            "y": [np.exp(-(x**2) / s) for s in (1, 2, 4)],
            "colour": "#000",
        }
    ]
    fits = explorer.curve_explorer(x, curves, ["s=1", "s=2", "s=4"], slider_label="s")
    path = tmp_path_factory.mktemp("widgets") / "page.html"
    path.write_text(f"<!doctype html><html><body>{latent}{fits.data}</body></html>")
    driver = headless_chromium()
    driver.get(path.as_uri())
    yield driver
    driver.quit()


def widget_ids(driver):
    return driver.execute_script("return Object.keys(window.vaelibWidgets)")


def test_canvas_shows_what_the_keras_decoder_draws(page, decoder):
    latent_id = widget_ids(page)[0]
    z = np.random.default_rng(7).uniform(-2.5, 2.5, size=(25, 2))
    drawn = np.array(
        [
            page.execute_script(
                f"const w = window.vaelibWidgets['{latent_id}'];"
                f"w.setZ({a}, {b}); return w.canvasPixels();"
            )
            for a, b in z
        ]
    )
    keras_images = decoder.predict(z, verbose=0)
    quantisation = np.abs(
        explorer.browser_decode(explorer.decoder_layers(decoder), z) - keras_images
    ).max()
    assert np.abs(drawn - keras_images).max() <= 2 / 255 + quantisation


def test_keyboard_moves_the_point_and_changes_the_image(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    latent_id = widget_ids(page)[0]
    w = f"window.vaelibWidgets['{latent_id}']"
    page.execute_script(f"{w}.setZ(0, 0)")
    before = page.execute_script(f"return {w}.canvasPixels()")
    page.find_element(By.CSS_SELECTOR, f"#{latent_id} .vx-map").send_keys(
        Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_UP
    )
    z = page.execute_script(f"return {w}.getZ()")
    after = page.execute_script(f"return {w}.canvasPixels()")
    assert z[0] > 0 and z[1] > 0
    assert np.abs(np.array(after) - np.array(before)).max() > 0


def test_slider_reaches_both_end_digits(page):
    latent_id = widget_ids(page)[0]
    slider = f"document.querySelector('#{latent_id} .vx-t')"
    w = f"window.vaelibWidgets['{latent_id}']"
    ends = []
    for value in (0, 100):
        page.execute_script(f"{slider}.value = {value}; {w}.interpolate()")
        ends.append(page.execute_script(f"return {w}.getZ()"))
    np.testing.assert_allclose(ends, [[-2.0, 1.0], [1.5, -0.5]], atol=1e-6)


def test_decoding_a_point_takes_under_5_ms(page):
    latent_id = widget_ids(page)[0]
    ms = page.execute_script(
        f"return window.vaelibWidgets['{latent_id}'].timeDecode(200)"
    )
    assert ms < 5, ms


def test_curve_explorer_follows_its_slider(page):
    curves_id = widget_ids(page)[1]
    w = f"window.vaelibWidgets['{curves_id}']"
    seen = []
    for k in range(3):
        page.execute_script(f"{w}.show({k})")
        seen.append(
            (
                page.execute_script(f"return {w}.readout()"),
                page.execute_script(f"return {w}.points(0)"),
            )
        )
    assert [s[0] for s in seen] == ["s=1", "s=2", "s=4"]
    assert len({s[1] for s in seen}) == 3
