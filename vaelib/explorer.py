"""Live widgets that run in the reader's browser, with no server, kernel or network.

Hand-written infrastructure (not a lesson): each function returns an ``IPython`` HTML
object holding its data and the small script ``explorer.js`` (package data), so the
widget works in the built book opened from disk, in Jupyter and in Colab's output cell.

- :func:`latent_explorer` (chapter 4): a 2-D VAE decoder runs in the page. Move over the
  map of latent codes (mouse, touch, or arrow keys once it has focus) and the decoded
  image follows; a slider walks the straight line between two test digits' codes.
- :func:`curve_explorer` (chapter 5): curves computed in the notebook for each value
  of a slider (the fits of one normal to two modes, for each separation of the modes).

The decoder's weights travel as 8-bit integers with one scale per output unit
(:func:`decoder_layers`); :func:`browser_decode` computes exactly what the page
computes, so the quantisation error can be measured against the Keras model.
"""

from __future__ import annotations

import base64
import html
import json
import uuid
from importlib.resources import files

import numpy as np

from .data import IMAGE_SIDE, as_numeric_array

__all__ = ["decoder_layers", "browser_decode", "latent_explorer", "curve_explorer"]

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh")
# Paul Tol's "muted" scheme plus black: the digit colours of the book's static scatter.
DIGIT_COLOURS = (
    "#332288", "#88CCEE", "#117733", "#CC6677", "#DDCC77",
    "#44AA99", "#882255", "#AA4499", "#999933", "#000000",
)  # fmt: skip

_CSS = """
.vaelib-widget {margin: 1em 0; font: 14px/1.4 system-ui, sans-serif; max-width: 100%}
.vaelib-widget .vx-row {display: flex; flex-wrap: wrap; gap: 12px;
  align-items: flex-start}
.vaelib-widget canvas.vx-map {width: 320px; max-width: 100%; border: 1px solid #666;
  touch-action: none; cursor: crosshair}
.vaelib-widget canvas.vx-map:focus {outline: 3px solid #0072B2}
.vaelib-widget canvas.vx-digit {width: 168px; height: 168px; image-rendering: pixelated;
  border: 1px solid #666}
.vaelib-widget .vx-legend {display: flex; flex-wrap: wrap; gap: 2px 10px; margin: 4px 0}
.vaelib-widget .vx-legend span::before {content: "\\25A0 "; color: var(--c)}
.vaelib-widget .vx-controls {display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px}
.vaelib-widget svg.vx-plot {width: 560px; max-width: 100%; height: auto;
  border: 1px solid #666; background: #fff}
.vaelib-widget input[type=range] {width: 220px; max-width: 100%}
.vaelib-widget figcaption {margin-top: 6px}
"""


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def decoder_layers(decoder) -> list[dict]:
    """The decoder's Dense layers as the page receives them: int8 weights, float scales.

    Each weight column (one output unit) is scaled so its largest weight maps to 127;
    biases stay float32. Raises ``TypeError`` unless ``decoder`` is a Keras model made
    of Dense layers with linear, relu, sigmoid or tanh activations.
    """
    import keras

    if not isinstance(decoder, keras.Model):
        raise TypeError(f"decoder must be a keras.Model, got {type(decoder).__name__}")
    layers = [
        ly for ly in decoder.layers if not isinstance(ly, keras.layers.InputLayer)
    ]
    if not layers or not all(isinstance(ly, keras.layers.Dense) for ly in layers):
        kinds = sorted({type(ly).__name__ for ly in layers})
        raise TypeError(f"decoder must be made of Dense layers only, got {kinds}")
    out = []
    for layer in layers:
        act = layer.get_config()["activation"]
        if act not in ACTIVATIONS:
            raise TypeError(
                f"layer {layer.name}: activation {act!r} not in {ACTIVATIONS}"
            )
        if not layer.use_bias:
            raise TypeError(f"layer {layer.name}: Dense layers need a bias")
        w, b = (np.asarray(v, dtype=np.float32) for v in layer.get_weights())
        scale = np.abs(w).max(axis=0) / 127.0
        scale[scale == 0] = 1.0
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        out.append(
            {
                "n_in": int(w.shape[0]),
                "n_out": int(w.shape[1]),
                "act": act,
                "w": _b64(q),
                "scale": scale.astype(np.float32).tolist(),
                "b": b.tolist(),
            }
        )
    return out


def browser_decode(layers: list[dict], z) -> np.ndarray:
    """Decode latent points ``z`` (n, d) with the quantised layers, as the page does."""
    h = as_numeric_array(z, "z", "an array of latent points").astype(np.float32)
    h = np.atleast_2d(h)
    for layer in layers:
        q = np.frombuffer(base64.b64decode(layer["w"]), dtype=np.int8)
        w = q.reshape(layer["n_in"], layer["n_out"]) * np.float32(layer["scale"])
        h = h @ w.astype(np.float32) + np.float32(layer["b"])
        if layer["act"] == "relu":
            h = np.maximum(h, 0)
        elif layer["act"] == "sigmoid":
            h = 1 / (1 + np.exp(-h))
        elif layer["act"] == "tanh":
            h = np.tanh(h)
    return h


def _script(kind: str, element_id: str, data: dict) -> str:
    code = files("vaelib").joinpath("explorer.js").read_text()
    payload = json.dumps(data, separators=(",", ":"))
    return (
        f"<script>{code}</script>\n<script>window.vaelibWidgetInit.{kind}("
        f'document.getElementById("{element_id}"), {payload});</script>'
    )


def _html(markup: str):
    from IPython.display import HTML

    return HTML(markup)


def latent_explorer(
    decoder,
    z,
    labels,
    anchors=None,
    max_points: int = 4000,
    caption: str = "",
    seed: int = 0,
):
    """A map of latent codes beside the image the decoder draws for the point you pick.

    ``decoder`` maps 2 numbers to 784 pixel intensities in [0, 1] (Dense layers);
    ``z`` (n, 2) are codes to scatter (e.g. the test set's latent means) and ``labels``
    their digits 0-9 (colours). ``anchors``, a list of ``(name, (z1, z2))``, are the
    endpoints the interpolation slider offers; by default, for each digit, the test code
    nearest that digit's median code. At most ``max_points`` codes are drawn (a seeded
    subsample). Returns an ``IPython.display.HTML`` object; its ``quantisation``
    attribute is the largest pixel difference between the page's decoder (8-bit
    weights) and the Keras decoder at twenty check points embedded in the page.
    """
    points = as_numeric_array(z, "z", "an array of 2-D latent points")
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"z must have shape (n, 2) with n >= 1, got {points.shape}")
    digits = np.asarray(labels)
    if digits.shape != (len(points),) or not np.isin(digits, np.arange(10)).all():
        raise ValueError(f"labels must hold one digit 0-9 per code, got {digits.shape}")
    if (
        isinstance(max_points, bool)
        or not isinstance(max_points, int)
        or max_points < 1
    ):
        raise ValueError(f"max_points must be a positive integer, got {max_points!r}")
    layers = decoder_layers(decoder)
    if layers[0]["n_in"] != 2 or layers[-1]["n_out"] != IMAGE_SIDE * IMAGE_SIDE:
        raise ValueError(
            "decoder must map 2 latent numbers to 784 pixels, got "
            f"{layers[0]['n_in']} -> {layers[-1]['n_out']}"
        )
    if anchors is None:
        anchors = []
        for d in np.unique(digits):
            idx = np.flatnonzero(digits == d)
            centre = np.median(points[idx], axis=0)
            best = idx[np.argmin(((points[idx] - centre) ** 2).sum(axis=1))]
            anchors.append((f"a test {d} (image {best})", points[best]))
    anchors = [{"name": str(n), "z": [float(v) for v in a]} for n, a in anchors]
    if len(anchors) < 2 or any(len(a["z"]) != 2 for a in anchors):
        raise ValueError("anchors must be at least two (name, (z1, z2)) pairs")

    lo, hi = np.percentile(points, [0.5, 99.5], axis=0)
    pad = 0.08 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    rng = np.random.default_rng(seed)
    keep = rng.permutation(len(points))[:max_points]
    # Twenty points decoded by Keras itself travel with the page, so a test in a real
    # browser can compare what the page draws with what the model draws.
    check_z = rng.uniform(lo, hi, size=(20, 2)).astype(np.float32)
    keras_images = np.asarray(decoder.predict(check_z, verbose=0), dtype=np.float64)
    quantisation = float(np.abs(browser_decode(layers, check_z) - keras_images).max())
    scaled = (np.clip(points[keep], lo, hi) - lo) / (hi - lo) * 65534 - 32767
    element_id = f"vx-{uuid.uuid4().hex[:10]}"
    data = {
        "layers": layers,
        "extent": [float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])],
        "side": IMAGE_SIDE,
        "points": _b64(np.round(scaled).astype("<i2")),
        "labels": _b64(digits[keep].astype(np.uint8)),
        "colours": list(DIGIT_COLOURS),
        "anchors": anchors,
        "checks": {
            "z": check_z.tolist(),
            "pixels": _b64(np.round(keras_images * 255).astype(np.uint8)),
            "quantisation": quantisation,
        },
    }
    legend = "".join(
        f'<span style="--c:{c}">{d}</span>' for d, c in enumerate(DIGIT_COLOURS)
    )
    markup = f"""<figure class="vaelib-widget" id="{element_id}"
 aria-label="Latent-space explorer: a decoder running in this page">
<style>{_CSS}</style>
<p class="vx-what">What this computes: the trained decoder's weights are embedded in
this page, and your browser runs the decoder on the latent point under the pointer.
Move over the map (or focus it with Tab and use the arrow keys; Home returns to the
origin); the image on the right is the decoder's output for that point.</p>
<div class="vx-row">
<div><canvas class="vx-map" width="320" height="320" tabindex="0" role="img"
 aria-label="Map of {len(keep)} test images' latent codes, coloured by digit; the
 circle marks the point being decoded. Arrow keys move it."></canvas>
<div class="vx-legend" aria-hidden="true">{legend}</div></div>
<div><canvas class="vx-digit" width="{IMAGE_SIDE}" height="{IMAGE_SIDE}" role="img"
 aria-label="The image the decoder draws for the chosen latent point"></canvas>
<p class="vx-readout" aria-live="polite"></p></div>
</div>
<div class="vx-controls">
<label>Walk from <select class="vx-a"></select></label>
<label>to <select class="vx-b"></select></label>
<label>t <input class="vx-t" type="range" min="0" max="100" value="0"></label>
</div>
<noscript>This explorer needs JavaScript. The static figures of this chapter show
the same map and a grid of decoded points.</noscript>
<figcaption>{html.escape(caption)}</figcaption>
{_script("latent", element_id, data)}
</figure>"""
    widget = _html(markup)
    widget.quantisation = quantisation
    return widget


def curve_explorer(
    x,
    curves,
    labels,
    ymax: float | None = None,
    slider_label: str = "value",
    description: str = "",
    caption: str = "",
):
    """Curves over ``x``, one set for each position of a slider.

    ``curves`` is a list of dicts with ``name``, ``y`` (an array of shape
    (n_positions, len(x))), ``colour`` and optionally ``dash``; ``labels`` gives the
    text shown (and read out) at each position. Returns an ``IPython.display.HTML``.
    """
    grid = as_numeric_array(x, "x", "a 1-D grid of numbers")
    if grid.ndim != 1 or len(grid) < 2 or not np.all(np.diff(grid) > 0):
        raise ValueError("x must be an increasing 1-D grid of at least two numbers")
    if not curves:
        raise ValueError("curves must hold at least one curve")
    n_pos = len(labels)
    prepared = []
    for c in curves:
        y = as_numeric_array(c.get("y"), f"curve {c.get('name')!r}", "an array")
        if y.shape != (n_pos, len(grid)):
            raise ValueError(
                f"curve {c.get('name')!r}: y must have shape {(n_pos, len(grid))}, "
                f"got {y.shape}"
            )
        prepared.append(
            {
                "name": str(c["name"]),
                "colour": c.get("colour", "#000000"),
                "dash": c.get("dash"),
                "y": np.round(y, 5).tolist(),
            }
        )
    top = float(ymax) if ymax is not None else max(np.max(c["y"]) for c in prepared)
    element_id = f"vx-{uuid.uuid4().hex[:10]}"
    data = {
        "x": np.round(grid, 5).tolist(),
        "curves": prepared,
        "labels": [str(s) for s in labels],
        "ymax": top * 1.05,
    }
    legend = "".join(
        f'<span style="--c:{c["colour"]}">{html.escape(c["name"])}</span>'
        for c in prepared
    )
    markup = f"""<figure class="vaelib-widget" id="{element_id}"
 aria-label="{html.escape(slider_label)} explorer">
<style>{_CSS}</style>
<p class="vx-what">{html.escape(description)}</p>
<svg class="vx-plot" viewBox="0 0 560 260" role="img"
 aria-label="Curves for the position of the slider; the text below says what is shown">
</svg>
<div class="vx-legend">{legend}</div>
<div class="vx-controls"><label>{html.escape(slider_label)}
<input class="vx-t" type="range" min="0" max="{n_pos - 1}" value="{n_pos // 2}">
</label></div>
<p class="vx-readout" aria-live="polite"></p>
<noscript>This explorer needs JavaScript; the static figure of this chapter shows
the same fits.</noscript>
<figcaption>{html.escape(caption)}</figcaption>
{_script("curves", element_id, data)}
</figure>"""
    return _html(markup)
