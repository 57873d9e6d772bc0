"""Chapter 5's statistics, exported from the chapter into vaelib.divergences, checked
against closed forms, SciPy and NumPy references (never against numbers copied from the
functions' own output), and their error messages for bad input."""

import numpy as np
import pytest
from scipy import integrate, ndimage
from scipy import stats as sps

from vaelib import divergences as dv

MEANS, STDS = [0.0, 5.0], [1.0, 1.0]  # the chapter's bimodal target


def ref_mixture_pdf(x, means, stds, weights):
    return sum(
        w * sps.norm.pdf(x, m, s) for m, s, w in zip(means, stds, weights, strict=True)
    )


def ref_mixture_cdf(x, means, stds, weights):
    return sum(
        w * sps.norm.cdf(x, m, s) for m, s, w in zip(means, stds, weights, strict=True)
    )


def log_gauss(grid, m, s):
    return sps.norm.logpdf(grid, m, s)


# --- sample_gaussian_mixture ----------------------------------------------------------


def test_mixture_samples_follow_the_mixture():
    means, stds, weights = [-2.0, 3.0, 10.0], [0.5, 1.0, 2.0], [0.2, 0.5, 0.3]
    x = dv.sample_gaussian_mixture(40_000, means, stds, weights, rng=0)
    assert x.shape == (40_000,)
    ks = sps.kstest(x, lambda t: ref_mixture_cdf(t, means, stds, weights))
    assert ks.pvalue > 1e-3
    # the share above a threshold, within 5 binomial standard errors
    expected = 1 - ref_mixture_cdf(6.5, means, stds, weights)
    assert abs(np.mean(x > 6.5) - expected) < 5 * np.sqrt(
        expected * (1 - expected) / 4e4
    )


def test_mixture_samples_are_reproducible_and_weights_default_to_equal():
    a = dv.sample_gaussian_mixture(1000, MEANS, STDS, rng=7)
    b = dv.sample_gaussian_mixture(1000, MEANS, STDS, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    x = dv.sample_gaussian_mixture(20_000, MEANS, STDS, rng=1)
    assert abs(np.mean(x > 2.5) - 0.5) < 5 * 0.5 / np.sqrt(20_000)


def test_the_sampler_draws_the_component_then_the_value():
    """The chapter's recipe, call for call: choose a bump, then draw from it."""
    rng = np.random.default_rng(3)
    bump = rng.choice(2, size=500, p=[0.5, 0.5])
    expected = rng.normal(np.array(MEANS)[bump], np.array(STDS)[bump])
    np.testing.assert_array_equal(
        dv.sample_gaussian_mixture(500, MEANS, STDS, rng=3), expected
    )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n=0), ValueError, "n must"),
        (dict(n=2.5), ValueError, "n must"),
        (dict(n=True), ValueError, "n must"),
        (dict(stds=[1.0, 0.0]), ValueError, "positive"),
        (dict(stds=[1.0]), ValueError, "stds must have 2 entries"),
        (dict(weights=[0.7, 0.7]), ValueError, "sum to 1"),
        (dict(weights=[1.5, -0.5]), ValueError, "non-negative"),
        (dict(weights=[1.0]), ValueError, "weights must have 2 entries"),
        (dict(means=[[0.0], [5.0]]), ValueError, "1-D"),
        (dict(means="0, 5"), TypeError, "means"),
        (dict(means=[0.0, np.nan]), ValueError, "NaN"),
        (dict(rng="seed"), TypeError, "SeedSequence"),
    ],
)
def test_mixture_sampler_rejects_bad_arguments(kwargs, error, match):
    args = dict(n=10, means=MEANS, stds=STDS, weights=None, rng=0) | kwargs
    with pytest.raises(error, match=match):
        dv.sample_gaussian_mixture(**args)


# --- mixture_pdf, mixture_logpdf ------------------------------------------------------


def test_mixture_pdf_matches_scipy_and_integrates_to_one():
    means, stds, weights = [0.0, 5.0, 1.0], [1.0, 0.5, 3.0], [0.5, 0.3, 0.2]
    x = np.linspace(-10, 15, 101)
    np.testing.assert_allclose(
        dv.mixture_pdf(x, means, stds, weights),
        ref_mixture_pdf(x, means, stds, weights),
        rtol=1e-12,
    )
    total, _ = integrate.quad(
        lambda t: dv.mixture_pdf([t], means, stds, weights)[0], -np.inf, np.inf
    )
    assert total == pytest.approx(1.0, abs=1e-8)


def test_a_density_is_not_a_probability_it_can_exceed_one():
    # N(0, 0.1**2) at its centre: 1 / (0.1 * sqrt(2 pi)), about 3.99
    assert dv.mixture_pdf([0.0], [0.0], [0.1])[0] == pytest.approx(
        1 / (0.1 * np.sqrt(2 * np.pi))
    )


def test_mixture_logpdf_stays_finite_where_the_pdf_underflows():
    x = np.array([60.0])  # 55 standard deviations from the nearest mode
    assert dv.mixture_pdf(x, MEANS, STDS)[0] == 0.0
    expected = (
        np.log(0.5)
        + sps.norm.logpdf(60.0, 5.0, 1.0)
        + np.log1p(np.exp(sps.norm.logpdf(60.0, 0, 1) - sps.norm.logpdf(60.0, 5, 1)))
    )
    assert dv.mixture_logpdf(x, MEANS, STDS)[0] == pytest.approx(expected, rel=1e-12)


def test_mixture_pdf_rejects_bad_points():
    with pytest.raises(ValueError, match="NaN"):
        dv.mixture_pdf([0.0, np.inf], MEANS, STDS)
    with pytest.raises(TypeError):
        dv.mixture_pdf("1.0", MEANS, STDS)


# --- mixture_moments ------------------------------------------------------------------


def test_moments_of_the_chapters_mixture_in_closed_form():
    m = dv.mixture_moments(MEANS, STDS)
    # each mode sits d = 2.5 from the mean: var = 1 + d^2,
    # m4 = E(d + Z)^4 = d^4 + 6 d^2 + 3
    d = 2.5
    assert m["mean"] == pytest.approx(2.5)
    assert m["std"] == pytest.approx(np.sqrt(1 + d**2))
    assert m["excess_kurtosis"] == pytest.approx(
        (d**4 + 6 * d**2 + 3) / (1 + d**2) ** 2 - 3
    )
    assert m["excess_kurtosis"] < 0  # lighter tails than a normal: not "fat-tailed"


def test_moments_match_numerical_integration_for_an_uneven_mixture():
    means, stds, weights = [-1.0, 2.0, 6.0], [0.5, 1.5, 1.0], [0.25, 0.5, 0.25]

    def pdf(t):
        return ref_mixture_pdf(t, means, stds, weights)

    mean = integrate.quad(lambda t: t * pdf(t), -np.inf, np.inf)[0]
    var = integrate.quad(lambda t: (t - mean) ** 2 * pdf(t), -np.inf, np.inf)[0]
    m4 = integrate.quad(lambda t: (t - mean) ** 4 * pdf(t), -np.inf, np.inf)[0]
    m = dv.mixture_moments(means, stds, weights)
    assert m["mean"] == pytest.approx(mean, abs=1e-9)
    assert m["std"] == pytest.approx(np.sqrt(var), rel=1e-9)
    assert m["excess_kurtosis"] == pytest.approx(m4 / var**2 - 3, abs=1e-8)


def test_one_component_has_zero_excess_kurtosis_and_samples_agree():
    one = dv.mixture_moments([3.0], [2.0])
    assert one == pytest.approx({"mean": 3.0, "std": 2.0, "excess_kurtosis": 0.0})
    x = dv.sample_gaussian_mixture(200_000, MEANS, STDS, rng=3)
    assert sps.kurtosis(x) == pytest.approx(
        dv.mixture_moments(MEANS, STDS)["excess_kurtosis"], abs=0.02
    )


# --- gaussian_mle ---------------------------------------------------------------------


def test_gaussian_mle_matches_scipy_and_maximises_the_likelihood():
    x = dv.sample_gaussian_mixture(3000, MEANS, STDS, rng=11)
    m, s = dv.gaussian_mle(x)
    ref_m, ref_s = sps.norm.fit(x)  # SciPy's maximum-likelihood fit
    assert (m, s) == pytest.approx((ref_m, ref_s), rel=1e-9)
    best = sps.norm.logpdf(x, m, s).sum()
    for dm, ds in [(0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05), (0.03, 0.03)]:
        assert sps.norm.logpdf(x, m + dm, s + ds).sum() < best


def test_gaussian_mle_of_the_mixture_is_its_mean_and_std():
    x = dv.sample_gaussian_mixture(400_000, MEANS, STDS, rng=5)
    m, s = dv.gaussian_mle(x)
    assert m == pytest.approx(2.5, abs=0.02)
    assert s == pytest.approx(np.sqrt(1 + 2.5**2), abs=0.02)


def test_gaussian_mle_uses_divisor_n():
    m, s = dv.gaussian_mle([1.0, 3.0])
    assert (m, s) == (
        2.0,
        1.0,
    )  # sqrt(((1-2)^2 + (3-2)^2) / 2); divisor n - 1 would give sqrt(2)


@pytest.mark.parametrize(
    "bad, error",
    [
        ([1.0], ValueError),
        ([2.0, 2.0, 2.0], ValueError),
        ([1.0, np.nan], ValueError),
        ([[1.0, 2.0], [3.0, 4.0]], ValueError),
        ("1 2 3", TypeError),
        ([True, False], TypeError),
    ],
)
def test_gaussian_mle_rejects_bad_samples(bad, error):
    with pytest.raises(error):
        dv.gaussian_mle(bad)


# --- gaussian_kl ----------------------------------------------------------------------


def test_gaussian_kl_matches_numerical_integration_and_is_asymmetric():
    for mp, sp, mq, sq in [(0, 1, 1, 1), (0, 1, 0, 3), (2, 0.5, -1, 2)]:

        def integrand(t, mp=mp, sp=sp, mq=mq, sq=sq):
            log_ratio = sps.norm.logpdf(t, mp, sp) - sps.norm.logpdf(t, mq, sq)
            return sps.norm.pdf(t, mp, sp) * log_ratio

        ref = integrate.quad(integrand, -40, 40, points=[mp, mq], limit=200)[0]
        assert dv.gaussian_kl(mp, sp, mq, sq) == pytest.approx(ref, abs=1e-9)
    assert dv.gaussian_kl(0, 1, 1, 1) == pytest.approx(0.5)  # (mean difference)^2 / 2
    assert dv.gaussian_kl(0, 1, 0, 1) == 0.0
    assert dv.gaussian_kl(0, 1, 0, 3) != pytest.approx(dv.gaussian_kl(0, 3, 0, 1))


def test_gaussian_kl_rejects_bad_arguments():
    with pytest.raises(ValueError, match="positive"):
        dv.gaussian_kl(0, 0, 0, 1)
    with pytest.raises(ValueError, match="positive"):
        dv.gaussian_kl(0, 1, 0, -2)
    with pytest.raises(ValueError, match="NaN"):
        dv.gaussian_kl(0, 1, np.nan, 1)
    with pytest.raises(TypeError):  # a vector where a number belongs
        dv.gaussian_kl([0, 1], 1, 0, 1)


# --- divergence_on_grid ---------------------------------------------------------------

GRID = np.linspace(-20, 25, 9001)


def closed_kl(mp, sp, mq, sq):
    return np.log(sq / sp) + (sp**2 + (mp - mq) ** 2) / (2 * sq**2) - 0.5


def test_grid_kl_between_normals_matches_the_closed_form_in_both_directions():
    lp, lq = log_gauss(GRID, 0.0, 1.0), log_gauss(GRID, 1.5, 2.0)
    assert dv.divergence_on_grid(GRID, lp, lq, "forward_kl") == pytest.approx(
        closed_kl(0, 1, 1.5, 2), abs=1e-6
    )
    assert dv.divergence_on_grid(GRID, lp, lq, "reverse_kl") == pytest.approx(
        closed_kl(1.5, 2, 0, 1), abs=1e-6
    )
    assert dv.divergence_on_grid(GRID, lq, lp, "forward_kl") == pytest.approx(
        dv.divergence_on_grid(GRID, lp, lq, "reverse_kl"), rel=1e-12
    )


def test_grid_js_is_symmetric_bounded_and_matches_integration():
    lp, lq = log_gauss(GRID, 0.0, 1.0), log_gauss(GRID, 1.0, 1.5)
    js = dv.divergence_on_grid(GRID, lp, lq, "js")
    assert js == pytest.approx(dv.divergence_on_grid(GRID, lq, lp, "js"), rel=1e-12)

    def integrand(t):
        p, q = sps.norm.pdf(t, 0, 1), sps.norm.pdf(t, 1, 1.5)
        m = (p + q) / 2
        return 0.5 * p * np.log(p / m) + 0.5 * q * np.log(q / m)

    assert js == pytest.approx(
        integrate.quad(integrand, -15, 15, limit=200)[0], abs=1e-6
    )
    assert dv.divergence_on_grid(GRID, lp, lp, "js") == pytest.approx(0.0, abs=1e-12)
    far = dv.divergence_on_grid(
        GRID, log_gauss(GRID, -10, 1), log_gauss(GRID, 15, 1), "js"
    )
    assert far == pytest.approx(np.log(2), abs=1e-6) and far <= np.log(2) + 1e-12


def test_grid_divergence_ignores_the_normalisation_of_its_inputs():
    lp, lq = log_gauss(GRID, 0.0, 1.0), log_gauss(GRID, 2.0, 1.0)
    a = dv.divergence_on_grid(GRID, lp, lq)
    assert dv.divergence_on_grid(GRID, lp + 3.0, lq - 7.0) == pytest.approx(
        a, rel=1e-12
    )


@pytest.mark.parametrize(
    "x, log_p, divergence, match",
    [
        (np.array([0.0, 1.0, 3.0, 4.0]), np.zeros(4), "forward_kl", "evenly spaced"),
        (np.array([3.0, 2.0, 1.0]), np.zeros(3), "forward_kl", "increasing"),
        (np.linspace(0, 1, 5), np.zeros(4), "forward_kl", "needs 5 values"),
        (np.linspace(0, 1, 5), np.full(5, -np.inf), "forward_kl", "some mass"),
        (np.linspace(0, 1, 5), np.array([0, 0, np.nan, 0, 0]), "forward_kl", "finite"),
        (np.linspace(0, 1, 5), np.zeros(5), "wasserstein", "divergence must be"),
        (np.linspace(0, 1, 2), np.zeros(2), "forward_kl", r"3\+ points"),
    ],
)
def test_grid_divergence_rejects_bad_input(x, log_p, divergence, match):
    with pytest.raises(ValueError, match=match):
        dv.divergence_on_grid(x, log_p, np.zeros_like(x), divergence)


# --- fit_gaussian_to_density ----------------------------------------------------------


def test_forward_kl_fit_is_moment_matching():
    for means, stds, weights in [
        (MEANS, STDS, [0.5, 0.5]),
        ([0.0, 4.0], [1.0, 2.0], [0.3, 0.7]),
    ]:
        lp = dv.mixture_logpdf(GRID, means, stds, weights)
        m, s, _ = dv.fit_gaussian_to_density(GRID, lp, "forward_kl", init=(0.0, 1.0))
        w, mu, sd = map(np.asarray, (weights, means, stds))
        mean = np.sum(w * mu)
        assert m == pytest.approx(mean, abs=1e-3)
        assert s == pytest.approx(
            np.sqrt(np.sum(w * (sd**2 + (mu - mean) ** 2))), abs=1e-3
        )


@pytest.mark.parametrize("divergence", ["forward_kl", "reverse_kl", "js"])
def test_every_fit_recovers_a_gaussian_target(divergence):
    m, s, value = dv.fit_gaussian_to_density(
        GRID, log_gauss(GRID, 1.3, 0.7), divergence, init=(0.0, 2.0)
    )
    assert (m, s) == pytest.approx((1.3, 0.7), abs=1e-3)
    assert value == pytest.approx(0.0, abs=1e-6)


def test_reverse_kl_locks_onto_the_mode_it_starts_near_when_modes_are_far_apart():
    lp = dv.mixture_logpdf(GRID, [0.0, 10.0], [1.0, 1.0])
    for start, mode in [(1.0, 0.0), (9.0, 10.0)]:
        m, s, value = dv.fit_gaussian_to_density(
            GRID, lp, "reverse_kl", init=(start, 1.0)
        )
        assert (m, s) == pytest.approx((mode, 1.0), abs=1e-3)
        # KL(q || q/2 + other/2) = log 2 when the other mode has no mass where q is
        assert value == pytest.approx(np.log(2), abs=1e-4)


@pytest.mark.parametrize("divergence", ["forward_kl", "reverse_kl", "js"])
def test_fit_returns_a_local_minimum_and_its_value(divergence):
    lp = dv.mixture_logpdf(GRID, MEANS, STDS)
    m, s, value = dv.fit_gaussian_to_density(GRID, lp, divergence, init=(1.0, 1.0))
    assert value == pytest.approx(
        dv.divergence_on_grid(GRID, lp, log_gauss(GRID, m, s), divergence), rel=1e-9
    )
    for dm, ds in [(0.02, 0), (-0.02, 0), (0, 0.02), (0, -0.02)]:
        assert (
            dv.divergence_on_grid(GRID, lp, log_gauss(GRID, m + dm, s + ds), divergence)
            > value
        )


def test_fit_rejects_bad_arguments():
    lp = dv.mixture_logpdf(GRID, MEANS, STDS)
    with pytest.raises(ValueError, match="init"):
        dv.fit_gaussian_to_density(GRID, lp, init=(0.0, -1.0))
    with pytest.raises(ValueError, match="init"):
        dv.fit_gaussian_to_density(GRID, lp, init=(0.0, 1.0, 2.0))
    with pytest.raises(ValueError, match="divergence"):
        dv.fit_gaussian_to_density(GRID, lp, divergence="kl")
    with pytest.raises(TypeError):
        dv.fit_gaussian_to_density(GRID, "log p")


@pytest.mark.parametrize("gap, one_mode_wins", [(6.0, False), (12.0, True)])
def test_js_keeps_the_middle_for_close_modes_and_drops_one_for_far_ones(
    gap, one_mode_wins
):
    """JS lies between the KLs: reverse KL already seeks a mode at 6 apart, JS not yet;
    far enough apart (12), JS prefers one mode too."""
    lp = dv.mixture_logpdf(GRID, [0.0, gap], [1.0, 1.0])
    centred = dv.fit_gaussian_to_density(
        GRID, lp, "js", init=(gap / 2, np.sqrt(1 + gap**2 / 4))
    )
    one_mode = dv.fit_gaussian_to_density(GRID, lp, "js", init=(0.5, 1.0))
    assert abs(centred[0] - gap / 2) < 0.05 and abs(one_mode[0]) < 0.3
    assert (one_mode[2] < centred[2]) == one_mode_wins
    rev_centred = dv.fit_gaussian_to_density(
        GRID, lp, "reverse_kl", init=(gap / 2, np.sqrt(1 + gap**2 / 4))
    )
    rev_one = dv.fit_gaussian_to_density(GRID, lp, "reverse_kl", init=(0.5, 1.0))
    assert rev_one[2] < rev_centred[2]  # reverse KL: one mode at both separations


# --- laplacian_variance ---------------------------------------------------------------


def test_laplacian_variance_is_zero_for_constant_and_linear_images():
    i, j = np.mgrid[0:28, 0:28]
    ramp = (i + 2 * j) / 100.0
    imgs = np.stack([np.full((28, 28), 0.3), ramp]).astype(np.float64)
    np.testing.assert_allclose(dv.laplacian_variance(imgs), 0.0, atol=1e-12)


def test_laplacian_variance_of_a_single_dot_in_closed_form():
    img = np.zeros((1, 784))
    img[0, 10 * 28 + 10] = 1.0
    # interior Laplacian: 4 at the dot, -1 at its four neighbours,
    # 0 at the other 671 of 26*26
    n = 26 * 26
    mean = (4 - 4) / n
    expected = (16 + 4 * 1) / n - mean**2
    assert dv.laplacian_variance(img)[0] == pytest.approx(expected, rel=1e-12)


def test_laplacian_variance_matches_scipy_and_falls_with_blur():
    rng = np.random.default_rng(0)
    imgs = (rng.random((5, 28, 28)) > 0.7).astype(np.float64)
    ref = np.array(
        [ndimage.laplace(im)[1:-1, 1:-1].var() for im in imgs]
    )  # same up to sign
    np.testing.assert_allclose(dv.laplacian_variance(imgs), ref, rtol=1e-10)
    previous = dv.laplacian_variance(imgs)
    for sigma in (0.5, 1.0, 2.0):
        blurred = dv.laplacian_variance(
            ndimage.gaussian_filter(imgs, sigma=(0, sigma, sigma))
        )
        assert np.all(blurred < previous)
        previous = blurred


def test_laplacian_variance_checks_its_images():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        dv.laplacian_variance(np.full((2, 784), 255.0))
    with pytest.raises(ValueError, match="shape"):
        dv.laplacian_variance(np.zeros((2, 100)))
    with pytest.raises(TypeError):
        dv.laplacian_variance("images")


def test_laplacian_variance_matches_the_five_point_stencil():
    imgs = np.random.default_rng(2).random((3, 28, 28))
    lap = (
        imgs[:, :-2, 1:-1]
        + imgs[:, 2:, 1:-1]
        + imgs[:, 1:-1, :-2]
        + imgs[:, 1:-1, 2:]
        - 4 * imgs[:, 1:-1, 1:-1]
    )
    np.testing.assert_allclose(
        dv.laplacian_variance(imgs), lap.reshape(3, -1).var(axis=1), rtol=1e-6
    )


def test_mixture_logpdf_allows_a_component_with_zero_weight():
    got = dv.mixture_logpdf([0.0, 5.0], MEANS, STDS, [1.0, 0.0])
    np.testing.assert_allclose(got, sps.norm.logpdf([0.0, 5.0], 0.0, 1.0), rtol=1e-12)


def test_gaussian_mle_is_the_mean_and_the_std_with_divisor_n():
    x = np.random.default_rng(4).gamma(2.0, size=501)
    assert dv.gaussian_mle(x) == pytest.approx((x.mean(), x.std(ddof=0)), rel=1e-12)
