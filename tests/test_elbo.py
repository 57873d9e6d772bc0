"""Chapter 6's estimators (vaelib.elbo) against cases with known answers."""

import keras
import numpy as np
import pytest
from scipy.stats import bernoulli

from vaelib import elbo


def constant_decoder(prob, latent=2):
    """A decoder that ignores z: every pixel is on with probability ``prob``."""
    z = keras.Input(shape=(latent,))
    logit = float(np.log(prob / (1 - prob)))
    out = keras.layers.Dense(
        784,
        activation="sigmoid",
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant(logit),
    )(z)
    return keras.Model(z, out)


def prior_encoder(latent=2):
    """An encoder whose q(z|x) is the prior N(0, I) for every image."""
    x = keras.Input(shape=(784,))
    heads = [keras.layers.Dense(latent, kernel_initializer="zeros")(x) for _ in "ml"]
    return keras.Model(x, [heads[0], heads[1], heads[0]])


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    return (rng.random((3, 784)) < 0.2).astype("float32")


def test_bernoulli_log_lik_is_the_bernoulli_log_pmf(images):
    probs = np.random.default_rng(1).uniform(0.05, 0.95, size=(4, 784))
    expected = np.array([[bernoulli.logpmf(x, p).sum() for p in probs] for x in images])
    np.testing.assert_allclose(
        elbo.bernoulli_log_lik(images, probs), expected, rtol=1e-5
    )


def test_latent_grid_covers_the_square():
    grid = elbo.latent_grid(1.0, 0.5)
    assert grid.shape == (25, 2)
    assert grid.min() == -1.0 and grid.max() == 1.0
    with pytest.raises(ValueError, match="step"):
        elbo.latent_grid(1.0, 2.0)


def test_quadrature_recovers_a_likelihood_known_in_closed_form(images):
    # p(x|z) does not depend on z, so p(x) = p(x|z) and the prior integrates to ~1
    decoder = constant_decoder(0.3)
    log_px, grid, log_joint = elbo.log_px_by_quadrature(decoder, images, 5.0, 0.1)
    exact = np.array([bernoulli.logpmf(x, 0.3).sum() for x in images])
    np.testing.assert_allclose(log_px, exact, atol=1e-3)
    assert log_joint.shape == (3, len(grid))


def test_importance_weights_are_exact_when_q_is_the_posterior(images):
    # constant decoder: the posterior is the prior, which is what this encoder outputs
    log_w = elbo.log_weights(prior_encoder(), constant_decoder(0.3), images, 100)
    exact = np.array([bernoulli.logpmf(x, 0.3).sum() for x in images])
    for k in (1, 10, 100):
        np.testing.assert_allclose(elbo.iw_bound(log_w, k), exact, atol=1e-3)


def test_iw_bound_grows_with_k_on_average():
    rng = np.random.default_rng(2)
    log_w = rng.normal(size=(200, 1000)) * 2  # log-normal weights, log E[w] = 2
    bounds = [elbo.iw_bound(log_w, k).mean() for k in (1, 10, 100, 1000)]
    assert np.all(np.diff(bounds) > 0)
    assert bounds[0] == pytest.approx(0, abs=0.05) and bounds[-1] < 2
    with pytest.raises(ValueError, match="divide"):
        elbo.iw_bound(log_w, 3)


def test_active_units_counts_the_varying_dimensions():
    rng = np.random.default_rng(3)
    z_mean = np.concatenate(
        [rng.normal(size=(500, 3)), 0.01 * rng.normal(size=(500, 2))], 1
    )
    assert elbo.active_units(z_mean) == 3
    with pytest.raises(ValueError, match="shape"):
        elbo.active_units(np.zeros(5))
