"""Unit tests of the code chapter 1 teaches, exported to ``vaelib.autoencoder``.

- ``build_autoencoder``: the layer graph, names and shapes chapters 2-4 rely on, and its
  forward pass, checked against the same computation written in NumPy from its weights;
- ``same_label_chance`` and ``precision_at_k`` (search by nearest neighbours in latent
  space), checked against brute-force NumPy references;
- the error cases of all three.

The error measures (``squared_error_per_image``, ``rmse``, ``psnr``) are tested in
``test_plots_stats_basic.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from vaelib.autoencoder import (  # noqa: E402
    build_autoencoder,
    precision_at_k,
    same_label_chance,
)


def _weights(model, name):
    layer = model.get_layer(name)
    kernel, bias = (keras.ops.convert_to_numpy(v) for v in (layer.kernel, layer.bias))
    return kernel.astype(np.float64), bias.astype(np.float64)


def _relu(a):
    return np.maximum(a, 0.0)


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# --- build_autoencoder ----------------------------------------------------------------


def test_build_autoencoder_graph_names_and_shapes():
    encoder, decoder, autoencoder = build_autoencoder(3)
    assert [layer.name for layer in encoder.layers] == ["image", "enc_0", "code"]
    assert [layer.name for layer in decoder.layers] == ["z", "dec_0", "reconstruction"]
    assert (encoder.name, decoder.name, autoencoder.name) == (
        "autoencoder_encoder",
        "autoencoder_decoder",
        "autoencoder",
    )
    assert tuple(encoder.input.shape) == (None, 784)
    assert tuple(encoder.output.shape) == (None, 3)
    assert tuple(decoder.input.shape) == (None, 3)
    assert tuple(autoencoder.output.shape) == (None, 784)
    assert encoder.get_layer("enc_0").units == 256
    assert decoder.get_layer("dec_0").units == 256
    # 784*256+256 + 256*3+3 (encoder), 3*256+256 + 256*784+784 (decoder)
    expected = (784 * 256 + 256 + 256 * 3 + 3) + (3 * 256 + 256 + 256 * 784 + 784)
    assert autoencoder.count_params() == expected


def test_build_autoencoder_shares_layers_between_the_three_models():
    encoder, decoder, autoencoder = build_autoencoder(2)
    assert autoencoder.layers[1] is encoder and autoencoder.layers[2] is decoder
    kernel = encoder.get_layer("code").kernel
    assert any(w is kernel for w in autoencoder.weights)
    # Changing a weight of the encoder changes the autoencoder's output.
    x = np.random.default_rng(0).random((2, 784)).astype("float32")
    before = autoencoder.predict(x, verbose=0)
    kernel.assign(np.zeros(tuple(kernel.shape), dtype="float32"))
    after = autoencoder.predict(x, verbose=0)
    assert not np.allclose(before, after)


def test_build_autoencoder_forward_pass_matches_numpy():
    keras.utils.set_random_seed(3)
    encoder, decoder, autoencoder = build_autoencoder(4, hidden=(32, 16))
    assert [layer.name for layer in encoder.layers] == [
        "image",
        "enc_0",
        "enc_1",
        "code",
    ]
    # The decoder mirrors the hidden widths: 16 first, then 32.
    assert decoder.get_layer("dec_0").units == 16
    assert decoder.get_layer("dec_1").units == 32
    x = np.random.default_rng(1).random((5, 784))
    h = x
    for name in ("enc_0", "enc_1"):
        w, b = _weights(encoder, name)
        h = _relu(h @ w + b)
    w, b = _weights(encoder, "code")
    code = h @ w + b  # linear code: may be negative
    h = code
    for name in ("dec_0", "dec_1"):
        w, b = _weights(decoder, name)
        h = _relu(h @ w + b)
    w, b = _weights(decoder, "reconstruction")
    x_star = _sigmoid(h @ w + b)
    xf = x.astype("float32")
    np.testing.assert_allclose(encoder.predict(xf, verbose=0), code, atol=1e-4)
    np.testing.assert_allclose(
        decoder.predict(code.astype("float32"), verbose=0), x_star, atol=1e-5
    )
    np.testing.assert_allclose(autoencoder.predict(xf, verbose=0), x_star, atol=1e-5)


def test_build_autoencoder_linear_variant_is_two_affine_maps():
    keras.utils.set_random_seed(0)
    encoder, decoder, autoencoder = build_autoencoder(
        5, hidden=(), activation=None, output_activation=None, input_dim=20, name="lin"
    )
    assert [layer.name for layer in encoder.layers] == ["image", "code"]
    assert [layer.name for layer in decoder.layers] == ["z", "reconstruction"]
    assert autoencoder.name == "lin" and encoder.name == "lin_encoder"
    x = np.random.default_rng(2).normal(size=(6, 20))
    w1, b1 = _weights(encoder, "code")
    w2, b2 = _weights(decoder, "reconstruction")
    expected = (x @ w1 + b1) @ w2 + b2
    out = autoencoder.predict(x.astype("float32"), verbose=0)
    np.testing.assert_allclose(out, expected, atol=1e-4)
    assert out.min() < 0.0  # no sigmoid: outputs are not squashed into [0, 1]


def test_build_autoencoder_is_trainable_end_to_end():
    keras.utils.set_random_seed(0)
    _, _, autoencoder = build_autoencoder(2, hidden=(16,), input_dim=8)
    rng = np.random.default_rng(0)
    # data with two underlying factors, which a 2-number code can capture
    x = (0.5 + 0.2 * rng.normal(size=(64, 2)) @ rng.normal(size=(2, 8))).clip(0, 1)
    x = x.astype("float32")
    autoencoder.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    loss = autoencoder.fit(x, x, epochs=100, batch_size=64, verbose=0).history["loss"]
    assert loss[-1] < 0.3 * loss[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(latent_dim=0),
        dict(latent_dim=-2),
        dict(latent_dim=2.5),
        dict(latent_dim=True),
        dict(latent_dim="2"),
        dict(latent_dim=2, hidden=(0,)),
        dict(latent_dim=2, hidden=(64, -1)),
        dict(latent_dim=2, input_dim=0),
    ],
)
def test_build_autoencoder_rejects_bad_sizes(kwargs):
    with pytest.raises(ValueError, match="positive integer"):
        build_autoencoder(**kwargs)


# --- reference implementations (deliberately naive) -----------------------------------


def _chance_by_pairs(labels):
    labels = list(labels)
    n = len(labels)
    same = sum(
        1 for i in range(n) for j in range(n) if i != j and labels[i] == labels[j]
    )
    return same / (n * (n - 1))


def _precision_by_sorting(features, labels, k, queries=None):
    features = np.asarray(features, dtype=np.float64)
    labels = np.asarray(labels)
    queries = range(len(features)) if queries is None else queries
    scores = []
    for q in queries:
        dist = np.linalg.norm(features - features[q], axis=1)
        order = [j for j in np.argsort(dist, kind="stable") if j != q][:k]
        scores.append(np.mean(labels[order] == labels[q]))
    return float(np.mean(scores))


# --- same_label_chance ----------------------------------------------------------------


def test_same_label_chance_small_cases_by_hand():
    assert same_label_chance([0, 0, 1]) == pytest.approx(1 / 3)  # 2 of 6 ordered pairs
    assert same_label_chance([7, 7, 7, 7]) == pytest.approx(1.0)
    assert same_label_chance([0, 1, 2, 3]) == pytest.approx(0.0)
    assert same_label_chance(["a", "b", "a", "b"]) == pytest.approx(4 / 12)


def test_same_label_chance_matches_pair_count():
    labels = np.random.default_rng(0).integers(0, 5, size=60)
    assert same_label_chance(labels) == pytest.approx(_chance_by_pairs(labels))


def test_same_label_chance_balanced_classes_is_a_little_below_one_over_classes():
    labels = np.repeat(np.arange(10), 1000)
    # (1000 * 999 * 10) / (10000 * 9999)
    assert same_label_chance(labels) == pytest.approx(999 / 9999)


@pytest.mark.parametrize(
    "bad, error",
    [
        ([[0, 1], [1, 0]], ValueError),  # not 1-D
        ([3], ValueError),  # a single item has no "other" item
        ("0011", TypeError),
        (None, TypeError),
    ],
)
def test_same_label_chance_rejects_bad_labels(bad, error):
    with pytest.raises(error):
        same_label_chance(bad)


# --- precision_at_k -------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 3, 10])
def test_precision_at_k_matches_brute_force(k):
    rng = np.random.default_rng(1)
    features = rng.normal(size=(80, 5))
    labels = rng.integers(0, 4, size=80)
    expected = _precision_by_sorting(features, labels, k)
    assert precision_at_k(features, labels, k=k) == pytest.approx(expected)


def test_precision_at_k_with_query_subset_and_chunks():
    rng = np.random.default_rng(2)
    features = rng.normal(size=(70, 4)).astype(np.float32)
    labels = rng.integers(0, 3, size=70)
    queries = np.array([5, 0, 69, 33, 12])
    expected = _precision_by_sorting(features, labels, 4, queries)
    for chunk in (1, 2, 1000):
        assert precision_at_k(
            features, labels, k=4, queries=queries, chunk_size=chunk
        ) == pytest.approx(expected)


def test_precision_with_all_other_items_equals_chance():
    rng = np.random.default_rng(3)
    features = rng.normal(size=(40, 2))
    labels = rng.integers(0, 3, size=40)
    # With k = n - 1 every other item is a neighbour, whatever the features.
    assert precision_at_k(features, labels, k=39) == pytest.approx(
        same_label_chance(labels)
    )


def test_precision_perfect_for_separated_clusters():
    rng = np.random.default_rng(4)
    centres = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]])
    labels = np.repeat(np.arange(3), 10)
    features = centres[labels] + rng.normal(scale=0.1, size=(30, 2))
    assert precision_at_k(features, labels, k=9) == pytest.approx(1.0)
    # Labels assigned against the clusters: no neighbour shares a label.
    assert precision_at_k(features, np.tile(np.arange(10), 3), k=5) == pytest.approx(
        0.0
    )


def test_precision_never_counts_the_query_itself():
    # Each item's only other item carries the other label: counting itself would give 1.
    assert precision_at_k([[0.0], [10.0]], [0, 1], k=1) == pytest.approx(0.0)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(k=0), ValueError),
        (dict(k=5), ValueError),  # n - 1 = 4 is the largest possible k
        (dict(k=True), ValueError),
        (dict(k=2.0), ValueError),
        (dict(queries=[0, 5]), ValueError),
        (dict(queries=[-1]), ValueError),
        (dict(queries=[0.0, 1.0]), TypeError),
        (dict(queries=[]), ValueError),
        (dict(queries=[[0, 1]]), ValueError),
        (dict(chunk_size=0), ValueError),
        (dict(chunk_size=1.5), ValueError),
    ],
)
def test_precision_at_k_rejects_bad_arguments(kwargs, error):
    features = np.arange(10, dtype=float).reshape(5, 2)
    with pytest.raises(error):
        precision_at_k(features, [0, 0, 1, 1, 1], **{"k": 1, **kwargs})
    # The same call without the bad argument works, so the error is the argument's.
    assert 0.0 <= precision_at_k(features, [0, 0, 1, 1, 1], k=1) <= 1.0


@pytest.mark.parametrize(
    "features, labels, error",
    [
        (np.arange(5.0), [0, 0, 1, 1, 1], ValueError),  # 1-D features
        (np.full((5, 2), np.nan), [0, 0, 1, 1, 1], ValueError),
        (np.array([["a", "b"]] * 5), [0, 0, 1, 1, 1], TypeError),
        ("features", [0, 1], TypeError),
        (np.zeros((5, 2)), [0, 1, 1], ValueError),  # one label per row
        (np.zeros((0, 2)), [], ValueError),
        (np.zeros((5, 2)), None, TypeError),
    ],
)
def test_precision_at_k_rejects_bad_inputs(features, labels, error):
    with pytest.raises(error):
        precision_at_k(features, labels, k=1)
