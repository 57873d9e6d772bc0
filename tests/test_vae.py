"""Unit tests of the chapter-3 VAE, exported from chapters/03_vae.ipynb to vaelib.vae:
reconstruction_loss, kl_divergence, Sampling, the encoder/decoder builders, VAE and
build_vae.

Every expected value comes from an independent reference: NumPy formulas written
differently from the code, numerical integration with SciPy, or statistics of samples.
The tests run on the backend in KERAS_BACKEND (conftest: TensorFlow unless set).
"""

import inspect

import numpy as np
import pytest
from scipy import integrate, stats

keras = pytest.importorskip("keras")
from keras import ops  # noqa: E402

from vaelib import vae as vaemod  # noqa: E402
from vaelib.data import PIXELS  # noqa: E402


def to_np(x):
    """A backend tensor (or a NumPy array) as a float64 NumPy array."""
    return np.asarray(ops.convert_to_numpy(x), dtype=np.float64)


def images(n, seed=0):
    """Fake images: float32 pixels in [0, 1], a third of them exactly 0 (paper)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, size=(n, PIXELS)).astype("float32")
    x[:, : PIXELS // 3] = 0.0
    return x


def kl_reference(mu, log_var):
    """KL(N(mu, sigma^2) || N(0, 1)) per dimension from the two-Gaussian formula,
    log(s2 / s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2 with m2 = 0, s2 = 1, summed."""
    s1 = np.exp(0.5 * np.asarray(log_var, dtype=np.float64))
    m1 = np.asarray(mu, dtype=np.float64)
    return np.sum(np.log(1.0 / s1) + (s1**2 + m1**2) / 2.0 - 0.5, axis=-1)


def bce_reference(x, p):
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    return -np.sum(x * np.log(p) + (1.0 - x) * np.log1p(-p), axis=-1)


@pytest.fixture(scope="module")
def vae():
    keras.utils.set_random_seed(0)
    return vaemod.build_vae(seed=0)


# ------------------------------------------------------------------- public API


@pytest.mark.parametrize(
    "func, params",
    [
        (vaemod.build_vae, ["original_dim", "intermediate_dim", "latent_dim", "seed"]),
        (vaemod.build_vae_encoder, ["original_dim", "intermediate_dim", "latent_dim"]),
        (vaemod.build_vae_decoder, ["original_dim", "intermediate_dim", "latent_dim"]),
        (vaemod.kl_divergence, ["z_mean", "z_log_var"]),
        (vaemod.reconstruction_loss, ["x", "x_decoded"]),
        (vaemod.VAE, ["encoder", "decoder"]),
        (vaemod.VAE.reconstruct, ["self", "x", "batch_size"]),
        (vaemod.Sampling, ["seed"]),
    ],
)
def test_public_api_keeps_the_signatures_later_chapters_use(func, params):
    """Chapters 4 and 5 call these positionally; new arguments may only be appended."""
    names = list(inspect.signature(func).parameters)
    assert names[: len(params)] == params


def test_defaults_are_the_sources_model():
    defaults = {
        k: p.default for k, p in inspect.signature(vaemod.build_vae).parameters.items()
    }
    assert defaults == {
        "original_dim": 784,
        "intermediate_dim": 256,
        "latent_dim": 2,
        "seed": None,
        "beta": 1.0,
    }
    assert (
        inspect.signature(vaemod.VAE.reconstruct).parameters["batch_size"].default
        == 1000
    )


def test_classes_are_registered_for_saving_under_vaelib():
    assert keras.saving.get_registered_name(vaemod.VAE) == "vaelib>VAE"
    assert keras.saving.get_registered_name(vaemod.Sampling) == "vaelib>Sampling"


# ---------------------------------------------------------------- kl_divergence


def test_kl_matches_numpy_reference_on_fixed_inputs():
    mu = np.array(
        [[0.0, 0.0], [1.0, 0.0], [0.0, np.log(2.0)], [-1.5, 0.3], [2.0, -0.7]],
        dtype="float32",
    )
    log_var = np.array(
        [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [-2.0, 1.0], [0.5, -3.0]], dtype="float32"
    )
    got = to_np(vaemod.kl_divergence(mu, log_var))
    assert got.shape == (5,)
    np.testing.assert_allclose(got, kl_reference(mu, log_var), rtol=1e-5, atol=1e-6)
    # Values worked out by hand: the prior itself, a unit shift of the mean.
    assert got[0] == pytest.approx(0.0, abs=1e-7)
    assert got[1] == pytest.approx(0.5, abs=1e-6)


def test_kl_matches_numerical_integration_in_one_dimension():
    for mu, log_var in [(0.7, -1.2), (-2.0, 0.8), (0.0, 1.5)]:
        q = stats.norm(mu, np.exp(0.5 * log_var))
        p = stats.norm(0.0, 1.0)
        by_quad = integrate.quad(
            lambda z, q=q, p=p: q.pdf(z) * (q.logpdf(z) - p.logpdf(z)),
            -30,
            30,
            limit=200,
        )[0]
        got = to_np(
            vaemod.kl_divergence(
                np.array([[mu]], "float32"), np.array([[log_var]], "float32")
            )
        )[0]
        assert got == pytest.approx(by_quad, rel=1e-5, abs=1e-6)


def test_kl_is_positive_away_from_the_prior_and_sums_over_dimensions():
    rng = np.random.default_rng(1)
    mu = rng.normal(size=(50, 3)).astype("float32")
    log_var = rng.normal(size=(50, 3)).astype("float32")
    total = to_np(vaemod.kl_divergence(mu, log_var))
    per_dim = sum(
        to_np(vaemod.kl_divergence(mu[:, [k]], log_var[:, [k]])) for k in range(3)
    )
    assert np.all(total > 0)
    np.testing.assert_allclose(total, per_dim, rtol=1e-5)


# ---------------------------------------------------------- reconstruction_loss


def test_reconstruction_loss_matches_numpy_bce():
    rng = np.random.default_rng(2)
    x = images(6, seed=2)
    p = rng.uniform(0.01, 0.99, size=x.shape).astype("float32")
    got = to_np(vaemod.reconstruction_loss(x, p))
    assert got.shape == (6,)
    np.testing.assert_allclose(got, bce_reference(x, p), rtol=1e-5)


def test_reconstruction_loss_is_784_times_the_keras_mean_bce():
    rng = np.random.default_rng(3)
    x = images(4, seed=3)
    p = rng.uniform(0.05, 0.95, size=x.shape).astype("float32")
    mean_bce = to_np(keras.losses.binary_crossentropy(x, p))
    np.testing.assert_allclose(
        to_np(vaemod.reconstruction_loss(x, p)), PIXELS * mean_bce, rtol=1e-5
    )


def test_reconstruction_loss_is_small_for_a_near_perfect_binary_reconstruction():
    x = (images(3, seed=4) > 0.5).astype("float32")
    p = np.where(x > 0.5, 0.999, 0.001).astype("float32")
    got = to_np(vaemod.reconstruction_loss(x, p))
    np.testing.assert_allclose(got, PIXELS * -np.log(0.999), rtol=1e-3)


# ---------------------------------------------------------------------- Sampling


def test_sampling_has_the_requested_mean_and_variance():
    n = 200_000
    mean = np.array([1.5, -2.0, 0.0], dtype="float32")
    var = np.array([0.25, 4.0, 1.0], dtype="float32")
    z_mean = np.tile(mean, (n, 1))
    z_log_var = np.tile(np.log(var), (n, 1))
    z = to_np(vaemod.Sampling(seed=3)([z_mean, z_log_var]))
    assert z.shape == (n, 3)
    # Within 5 standard errors of the sample mean and of the sample variance.
    assert np.all(np.abs(z.mean(axis=0) - mean) < 5 * np.sqrt(var / n))
    assert np.all(
        np.abs(z.var(axis=0, ddof=1) - var) < 5 * var * np.sqrt(2.0 / (n - 1))
    )
    # And normal: about 68.3% of samples within one standard deviation of the mean.
    within = np.mean(np.abs(z - mean) < np.sqrt(var), axis=0)
    assert np.all(np.abs(within - (stats.norm.cdf(1) - stats.norm.cdf(-1))) < 0.01)


@pytest.mark.parametrize("n", [1, 7, 100])
def test_sampling_takes_the_batch_shape_at_run_time(n):
    layer = vaemod.Sampling(seed=0)
    z = to_np(layer([np.zeros((n, 2), "float32"), np.zeros((n, 2), "float32")]))
    assert z.shape == (n, 2)


def test_sampling_is_seeded_and_advances():
    zeros = np.zeros((5, 2), "float32")
    a, b = vaemod.Sampling(seed=7), vaemod.Sampling(seed=7)
    first_a, first_b = to_np(a([zeros, zeros])), to_np(b([zeros, zeros]))
    np.testing.assert_array_equal(first_a, first_b)  # same seed, same draws
    assert not np.allclose(to_np(a([zeros, zeros])), first_a)  # next call draws anew
    assert not np.allclose(to_np(vaemod.Sampling(seed=8)([zeros, zeros])), first_a)


def test_sampling_with_zero_variance_returns_the_mean():
    mean = np.array([[0.3, -1.0]], "float32")
    z = to_np(vaemod.Sampling(seed=0)([mean, np.full((1, 2), -60.0, "float32")]))
    np.testing.assert_allclose(z, mean, atol=1e-6)


def test_sampling_config_keeps_the_seed():
    layer = vaemod.Sampling(seed=11, name="z")
    clone = vaemod.Sampling.from_config(layer.get_config())
    assert clone.seed == 11 and clone.name == "z"


def test_the_listings_fixed_shape_noise_fails_on_other_batch_sizes():
    """What the chapter shows: noise of shape (100, 2) cannot be added to 10 means."""
    noise = keras.random.normal((100, 2), seed=0)
    with pytest.raises(Exception, match=r"(?i)(incompatible|broadcast|must match)"):
        ops.convert_to_numpy(ops.add(ops.zeros((10, 2)), noise))


# ------------------------------------------------------------ shapes and models


@pytest.mark.parametrize("n", [1, 7, 100])
def test_output_shapes_for_any_batch_size(vae, n):
    x = images(n)
    z_mean, z_log_var, z = vae.encoder.predict(x, verbose=0)
    assert z_mean.shape == z_log_var.shape == z.shape == (n, 2)
    decoded = vae.decoder.predict(z, verbose=0)
    assert decoded.shape == (n, PIXELS)
    assert np.all((decoded > 0) & (decoded < 1))
    assert vae.predict(x, verbose=0).shape == (n, PIXELS)
    assert tuple(vae(x).shape) == (n, PIXELS)
    assert vae.reconstruct(x).shape == (n, PIXELS)


def test_latent_dim_and_layer_sizes_follow_the_arguments():
    keras.utils.set_random_seed(0)
    vae20 = vaemod.build_vae(latent_dim=20, intermediate_dim=64, seed=0)
    z_mean, _, z = vae20.encoder.predict(images(3), verbose=0)
    assert z_mean.shape == z.shape == (3, 20)
    # Encoder 784*64 + 64 + 2 * (64*20 + 20); decoder 20*64 + 64 + 64*784 + 784.
    assert vae20.encoder.count_params() == PIXELS * 64 + 64 + 2 * (64 * 20 + 20)
    assert vae20.decoder.count_params() == 20 * 64 + 64 + 64 * PIXELS + PIXELS


def test_vae_owns_no_weights_beyond_encoder_and_decoder(vae):
    paths = {w.path for w in vae.weights}
    assert paths == {w.path for w in vae.encoder.weights + vae.decoder.weights}


def test_reconstruct_decodes_the_latent_means(vae):
    x = images(5)
    z_mean = vae.encoder.predict(x, verbose=0)[0]
    np.testing.assert_allclose(
        vae.reconstruct(x), vae.decoder.predict(z_mean, verbose=0), rtol=1e-6, atol=1e-7
    )
    np.testing.assert_array_equal(vae.reconstruct(x), vae.reconstruct(x))  # no sampling


def test_seeded_builds_are_identical():
    x = images(4)
    outputs = []
    for _ in range(2):
        keras.utils.set_random_seed(5)
        model = vaemod.build_vae(seed=5)
        outputs.append(model.encoder.predict(x, verbose=0))
    for a, b in zip(*outputs, strict=True):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ save / load


# Keras's own saving code triggers a NumPy 2 DeprecationWarning on TensorFlow variables.
@pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)
def test_saved_and_reloaded_model_gives_the_same_outputs(tmp_path):
    keras.utils.set_random_seed(0)
    model = vaemod.build_vae(seed=0, beta=2.5)
    model(images(2))  # build it, as a trained model would be
    path = tmp_path / "vae.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded).__name__ == "VAE" and loaded.beta == 2.5
    x = images(9)
    for a, b in zip(
        model.encoder.predict(x, verbose=0)[:2],
        loaded.encoder.predict(x, verbose=0)[:2],
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    z = np.random.default_rng(0).normal(size=(9, 2)).astype("float32")
    np.testing.assert_allclose(
        model.decoder.predict(z, verbose=0),
        loaded.decoder.predict(z, verbose=0),
        rtol=1e-6,
        atol=1e-7,
    )
    np.testing.assert_allclose(
        model.reconstruct(x), loaded.reconstruct(x), rtol=1e-6, atol=1e-7
    )


# ----------------------------------------------------------- the loss, compile, fit


@pytest.mark.parametrize("beta", [1.0, 2.5, 0.0])
def test_compute_loss_is_reconstruction_plus_beta_times_kl(beta):
    """compute_loss against NumPy: mean summed BCE of y_pred + beta * mean KL, where the
    KL is the one the forward pass on x recorded (compute_loss does not encode)."""
    keras.utils.set_random_seed(0)
    model = vaemod.build_vae(intermediate_dim=32, seed=0, beta=beta)
    x = images(8, seed=6)
    model(x)  # the forward pass: records the batch's KL term
    y_pred = np.random.default_rng(6).uniform(0.05, 0.95, x.shape).astype("float32")
    got = float(to_np(model.compute_loss(x=x, y_pred=y_pred, training=False)))
    z_mean, z_log_var, _ = model.encoder.predict(x, verbose=0)
    expected = np.mean(bce_reference(x, y_pred)) + beta * np.mean(
        kl_reference(z_mean, z_log_var)
    )
    assert got == pytest.approx(expected, rel=1e-5)


def test_each_forward_pass_records_exactly_one_kl_term():
    keras.utils.set_random_seed(0)
    model = vaemod.build_vae(intermediate_dim=32, seed=0)
    x = images(5, seed=7)
    for _ in range(3):  # a new call replaces the last call's loss, never adds to it
        model(x)
        assert len(model.losses) == 1
    z_mean, z_log_var, _ = model.encoder.predict(x, verbose=0)
    assert float(to_np(model.losses[0])) == pytest.approx(
        float(np.mean(kl_reference(z_mean, z_log_var))), rel=1e-5
    )


def test_compute_loss_without_a_forward_pass_says_what_is_missing():
    keras.utils.set_random_seed(0)
    model = vaemod.build_vae(intermediate_dim=32, seed=0)
    x = images(4, seed=8)
    with pytest.raises(ValueError, match=r"run self\(x\) first.*found 0"):
        model.compute_loss(x=x, y_pred=np.full(x.shape, 0.5, "float32"))


class Counter:
    calls = 0  # a plain object: Keras would copy a dict or list it tracks


class CountCalls(keras.layers.Layer):
    """An identity layer that counts how often it runs (in Python, so run eagerly)."""

    def __init__(self, counter, **kwargs):
        super().__init__(**kwargs)
        self.counter = counter

    def call(self, x):
        self.counter.calls += 1
        return x


def counting_vae(counter, seed=0):
    """A small VAE whose encoder starts with a CountCalls layer."""
    image = keras.Input(shape=(PIXELS,))
    h = keras.layers.Dense(16, activation="relu")(CountCalls(counter)(image))
    z_mean, z_log_var = keras.layers.Dense(2)(h), keras.layers.Dense(2)(h)
    z = vaemod.Sampling(seed=seed, name="z")([z_mean, z_log_var])
    encoder = keras.Model(image, [z_mean, z_log_var, z])
    return vaemod.VAE(encoder, vaemod.build_vae_decoder(intermediate_dim=16))


def test_a_training_step_runs_the_encoder_once():
    """Run eagerly, so that Python counts every pass: one per step, not two."""
    counter = Counter()
    keras.utils.set_random_seed(0)
    model = counting_vae(counter)
    model.compile(optimizer=keras.optimizers.RMSprop(), run_eagerly=True)
    x = images(30, seed=11)
    model.fit(x[:10], epochs=1, batch_size=10, verbose=0)  # builds everything
    counter.calls = 0
    model.fit(x, epochs=1, batch_size=10, shuffle=False, verbose=0)  # three steps
    assert counter.calls == 3
    counter.calls = 0
    model.evaluate(x, batch_size=10, verbose=0)  # three evaluation steps
    assert counter.calls == 3
    counter.calls = 0
    assert model.predict(x, batch_size=10, verbose=0).shape == (30, PIXELS)
    assert counter.calls == 3


def test_compiled_steps_draw_the_noise_once_per_batch():
    """In the compiled steps fit and evaluate really run, the sampling layer's seed
    generator advances once per batch: the batch is encoded (and noise drawn) once."""
    keras.utils.set_random_seed(0)
    model = vaemod.build_vae(intermediate_dim=32, seed=0)
    model.compile(optimizer=keras.optimizers.RMSprop())
    state = model.encoder.get_layer("z").seed_generator.state
    x = images(60, seed=12)

    def draws():
        return int(to_np(state)[1])

    before = draws()
    model.fit(x, epochs=2, batch_size=20, verbose=0)  # 2 epochs of 3 steps
    assert draws() - before == 6
    before = draws()
    model.evaluate(x, batch_size=30, verbose=0)  # 2 batches
    assert draws() - before == 2


def numpy_vae(model, x, eps):
    """The VAE's forward pass in NumPy from the model's weights and given noise eps:
    (z_mean, z_log_var, decoded probabilities)."""

    def dense(name, net, h):
        kernel, bias = (np.asarray(w, np.float64) for w in net.get_layer(name).weights)
        return h @ to_np(kernel) + to_np(bias)

    h = np.maximum(dense("encoding", model.encoder, np.asarray(x, np.float64)), 0.0)
    z_mean = dense("z_mean", model.encoder, h)
    z_log_var = dense("z_log_var", model.encoder, h)
    z = z_mean + np.exp(0.5 * z_log_var) * eps
    g = np.maximum(dense("decoding", model.decoder, z), 0.0)
    decoded = 1.0 / (1.0 + np.exp(-dense("x_decoded", model.decoder, g)))
    return z_mean, z_log_var, decoded


@pytest.mark.parametrize("beta", [1.0, 2.5, 0.0])
def test_a_training_steps_loss_is_reconstruction_plus_beta_kl_of_one_pass(beta):
    """One compiled training step on one batch: the loss it reports equals the NumPy
    reconstruction + beta * KL of the weights before the step and of the noise the
    step's single draw gives (read from the sampling layer at the same seed state)."""
    keras.utils.set_random_seed(0)
    model = vaemod.build_vae(intermediate_dim=32, seed=3, beta=beta)
    model.compile(optimizer=keras.optimizers.RMSprop())
    x = images(16, seed=13)
    sampling = model.encoder.get_layer("z")
    state = to_np(sampling.seed_generator.state).astype("int64")
    zeros = np.zeros((16, 2), "float32")
    eps = to_np(sampling([zeros, zeros]))  # z = 0 + exp(0) * eps: the noise itself
    sampling.seed_generator.state.assign(state)  # the step draws the same noise
    z_mean, z_log_var, decoded = numpy_vae(model, x, eps)
    rec = np.mean(bce_reference(x, decoded))
    kl = np.mean(kl_reference(z_mean, z_log_var))
    logs = model.fit(x, epochs=1, batch_size=16, shuffle=False, verbose=0).history
    assert logs["reconstruction_loss"][0] == pytest.approx(rec, rel=1e-5)
    assert logs["kl_loss"][0] == pytest.approx(kl, rel=1e-4, abs=1e-5)
    assert logs["loss"][0] == pytest.approx(rec + beta * kl, rel=1e-5)


def test_fit_and_evaluate_report_loss_as_reconstruction_plus_kl():
    keras.utils.set_random_seed(0)
    model = vaemod.build_vae(seed=0)
    model.compile(optimizer=keras.optimizers.RMSprop())
    x = images(32, seed=9)
    history = model.fit(x, epochs=1, batch_size=32, verbose=0).history  # one step
    assert set(history) >= {"loss", "reconstruction_loss", "kl_loss"}
    loss, rec, kl = (history[k][0] for k in ("loss", "reconstruction_loss", "kl_loss"))
    assert np.isfinite(loss) and rec > 0 and kl >= 0
    assert loss == pytest.approx(rec + kl, rel=1e-5)

    result = model.evaluate(x, batch_size=32, verbose=0, return_dict=True)
    assert result["loss"] == pytest.approx(
        result["reconstruction_loss"] + result["kl_loss"], rel=1e-5
    )
    # The KL term is deterministic: it must equal the NumPy KL of the encoder's outputs.
    z_mean, z_log_var, _ = model.encoder.predict(x, verbose=0)
    assert result["kl_loss"] == pytest.approx(
        float(np.mean(kl_reference(z_mean, z_log_var))), rel=1e-4, abs=1e-5
    )


def test_beta_weights_the_kl_term_in_the_reported_loss():
    keras.utils.set_random_seed(0)
    model = vaemod.build_vae(seed=0, beta=4.0)
    model.compile(optimizer=keras.optimizers.RMSprop())
    x = images(32, seed=9)
    result = model.evaluate(x, batch_size=32, verbose=0, return_dict=True)
    assert result["loss"] == pytest.approx(
        result["reconstruction_loss"] + 4.0 * result["kl_loss"], rel=1e-5
    )


def test_training_lowers_the_loss():
    keras.utils.set_random_seed(0)
    model = vaemod.build_vae(intermediate_dim=32, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    x = images(200, seed=10)
    losses = model.fit(x, epochs=4, batch_size=50, verbose=0).history["loss"]
    assert losses[-1] < losses[0]


def test_keras_calls_a_compiled_loss_with_two_arguments_only():
    """The chapter relies on this: listing 2.7's four-parameter loss cannot be used."""

    def loss_with_four_parameters(x, x_decoded, log_var, mean):
        raise AssertionError("never reached")

    keras.utils.set_random_seed(0)
    encoder, decoder = vaemod.build_vae_encoder(seed=0), vaemod.build_vae_decoder()
    image = keras.Input(shape=(PIXELS,))
    model = keras.Model(image, decoder(encoder(image)[2]))
    model.compile(optimizer="rmsprop", loss=loss_with_four_parameters)
    x = images(10)
    with pytest.raises(TypeError, match="missing 2 required positional arguments"):
        model.evaluate(x, x, verbose=0)


# ------------------------------------------------------------------ bad arguments


@pytest.mark.parametrize(
    "kwargs",
    [
        {"latent_dim": 0},
        {"latent_dim": 2.5},
        {"latent_dim": True},
        {"intermediate_dim": -1},
        {"original_dim": "784"},
        {"beta": -1.0},
        {"beta": "4"},
        {"beta": True},
    ],
)
def test_bad_arguments_raise_value_error(kwargs):
    with pytest.raises(ValueError, match="must be"):
        vaemod.build_vae(**kwargs)


def test_reconstruct_rejects_bad_images(vae):
    with pytest.raises(ValueError, match="pixel values"):
        vae.reconstruct(np.full((2, PIXELS), 255.0))  # raw bytes, not [0, 1]
    with pytest.raises(ValueError, match="shape"):
        vae.reconstruct(np.zeros((2, 10)))
    with pytest.raises(TypeError):
        vae.reconstruct("not images")
