"""Error measures and statistics used by the chapters.

Plain NumPy/SciPy: nothing here imports Keras.
"""

from __future__ import annotations

import numpy as np

from .data import as_numeric_array, check_images

__all__ = [
    "squared_error_per_image",
    "rmse",
    "psnr",
    "sample_gaussian_mixture",
    "mixture_logpdf",
    "mixture_pdf",
    "mixture_moments",
    "gaussian_mle",
    "gaussian_kl",
    "divergence_on_grid",
    "fit_gaussian_to_density",
    "laplacian_variance",
    "log_mean_exp",
    "vae_log_weights",
    "same_label_chance",
    "precision_at_k",
    "principal_angles",
]


def _pair(x, x_hat, strict: bool = True):
    """Validate images ``x`` and their estimates ``x_hat``; return both as float64 (n, 784).

    With ``strict=False`` the estimate only has to be finite: the reconstructions of
    linear models (PCA, a linear autoencoder) can leave [0, 1].
    """
    a = check_images(x, name="x")
    if strict:
        b = check_images(x_hat, name="x_hat").astype(np.float64)
    else:
        b = as_numeric_array(x_hat, "x_hat", "an array of reconstructions").astype(
            np.float64
        )
        if b.ndim == 3:
            b = b.reshape(len(b), -1)
        if b.shape == a.shape and not np.all(np.isfinite(b)):
            raise ValueError("x_hat contains NaN or infinite values")
    if a.shape != b.shape:
        raise ValueError(
            f"x and x_hat must have the same shape, got {a.shape} and {b.shape}"
        )
    return a.astype(np.float64), b


def squared_error_per_image(x, x_hat) -> np.ndarray:
    """Sum over the 784 pixels of (x - x_hat)**2, one number per image.

    Introduced in chapter 1; chapter 2 averages it over the test set to compare with
    Hinton & Salakhutdinov (2006), who report this quantity. ``x`` must be images in
    [0, 1]; ``x_hat`` may be any finite values (linear reconstructions leave [0, 1]).
    """
    a, b = _pair(x, x_hat, strict=False)
    return np.sum((a - b) ** 2, axis=1)


def rmse(x, x_hat) -> float:
    """Root mean squared error, sqrt(mean((x - x_hat)**2)) over every pixel (chapter 1)."""
    a, b = _pair(x, x_hat)
    return float(np.sqrt(np.mean((a - b) ** 2)))


def psnr(clean, other) -> float:
    """Peak signal-to-noise ratio in dB for pixels in [0, 1] (chapter 1).

    ``10 * log10(1 / MSE)``, the MSE taken over all pixels of all images. Higher is
    closer to ``clean``; identical images give ``inf``.
    """
    a, b = _pair(clean, other)
    mse = float(np.mean((a - b) ** 2))
    return float("inf") if mse == 0.0 else float(10.0 * np.log10(1.0 / mse))


# ---------------------------------------------------------------------------------------
# Chapter 5: maximum likelihood under a wrong model, forward and reverse KL, VAE blur and
# the VAE's likelihood. Everything below is introduced in chapter 5.
# ---------------------------------------------------------------------------------------


def _as_1d_float(values, name: str) -> np.ndarray:
    arr = as_numeric_array(values, name, "numbers")
    arr = np.atleast_1d(arr.astype(np.float64))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _mixture_params(means, stds, weights):
    mu = _as_1d_float(means, "means")
    sd = _as_1d_float(stds, "stds")
    if sd.shape != mu.shape:
        raise ValueError(
            f"means and stds must have the same length, got {mu.size} and {sd.size}"
        )
    if np.any(sd <= 0):
        raise ValueError("stds must all be positive")
    if weights is None:
        w = np.full(mu.size, 1.0 / mu.size)
    else:
        w = _as_1d_float(weights, "weights")
        if w.shape != mu.shape:
            raise ValueError(
                f"weights must have one entry per component ({mu.size}), got {w.size}"
            )
        if np.any(w < 0):
            raise ValueError("weights must be non-negative")
        if not np.isclose(w.sum(), 1.0, rtol=0, atol=1e-9):
            raise ValueError(f"weights must sum to 1, got {w.sum():g}")
    return mu, sd, w


def sample_gaussian_mixture(
    n: int, means, stds, weights=None, rng=None, return_labels: bool = False
):
    """Draw ``n`` samples from a 1-D mixture of normal distributions (chapter 5).

    Component ``k`` has mean ``means[k]``, standard deviation ``stds[k]`` and weight
    ``weights[k]`` (equal weights by default). ``rng`` is a ``numpy.random.Generator``
    or an integer seed. With ``return_labels=True`` also returns which component drew
    each sample.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    mu, sd, w = _mixture_params(means, stds, weights)
    if rng is None or isinstance(rng, (int, np.integer)):
        rng = np.random.default_rng(rng)
    elif not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy Generator or an integer seed, got {type(rng).__name__}"
        )
    labels = rng.choice(mu.size, size=int(n), p=w)
    x = rng.normal(mu[labels], sd[labels])
    return (x, labels) if return_labels else x


def mixture_logpdf(x, means, stds, weights=None) -> np.ndarray:
    """Log density of a 1-D Gaussian mixture at the points ``x`` (chapter 5).

    Computed with log-sum-exp, so it stays finite far out in the tails where the
    density itself underflows to 0.
    """
    from scipy.special import logsumexp

    mu, sd, w = _mixture_params(means, stds, weights)
    pts = _as_1d_float(x, "x")
    with np.errstate(divide="ignore"):  # a zero weight contributes log 0 = -inf
        log_w = np.log(w)
    comp = (
        -0.5 * ((pts[:, None] - mu) / sd) ** 2
        - np.log(sd)
        - 0.5 * np.log(2 * np.pi)
        + log_w
    )
    return logsumexp(comp, axis=1)


def mixture_pdf(x, means, stds, weights=None) -> np.ndarray:
    """Density of a 1-D Gaussian mixture at the points ``x`` (chapter 5).

    A density, not a probability: it can exceed 1 (a narrow component) and it
    integrates to 1 over the line.
    """
    return np.exp(mixture_logpdf(x, means, stds, weights))


def mixture_moments(means, stds, weights=None) -> dict:
    """Closed-form mean, standard deviation and excess kurtosis of a 1-D Gaussian mixture.

    Introduced in chapter 5. With ``d_k = means[k] - mean``:
    ``var = sum w_k (s_k**2 + d_k**2)`` and the fourth central moment is
    ``sum w_k (d_k**4 + 6 d_k**2 s_k**2 + 3 s_k**4)``; excess kurtosis is
    ``m4 / var**2 - 3`` (0 for a normal, negative for lighter tails than a normal).
    """
    mu, sd, w = _mixture_params(means, stds, weights)
    mean = float(np.sum(w * mu))
    d = mu - mean
    var = float(np.sum(w * (sd**2 + d**2)))
    m4 = float(np.sum(w * (d**4 + 6 * d**2 * sd**2 + 3 * sd**4)))
    return {
        "mean": mean,
        "std": float(np.sqrt(var)),
        "excess_kurtosis": m4 / var**2 - 3.0,
    }


def gaussian_mle(samples):
    """Maximum-likelihood normal fit to 1-D data: ``(mean, std)`` (chapter 5).

    The likelihood of ``N(m, s**2)`` is largest at the sample mean and the standard
    deviation with divisor ``n`` (not ``n - 1``): ``s**2 = mean((x - m)**2)``.
    """
    x = _as_1d_float(samples, "samples")
    if x.size < 2:
        raise ValueError("samples needs at least two values to estimate a spread")
    m = float(np.mean(x))
    s = float(np.sqrt(np.mean((x - m) ** 2)))
    if s == 0.0:
        raise ValueError("samples are all equal: the maximum-likelihood std would be 0")
    return m, s


def gaussian_kl(mean_p, std_p, mean_q, std_q) -> float:
    """KL(N(mean_p, std_p**2) || N(mean_q, std_q**2)) in nats, closed form (chapter 5).

    ``log(std_q / std_p) + (std_p**2 + (mean_p - mean_q)**2) / (2 std_q**2) - 1/2``.
    Not symmetric: swapping the two normals changes the value.
    """
    vals = [
        _as_1d_float(v, n)
        for v, n in (
            (mean_p, "mean_p"),
            (std_p, "std_p"),
            (mean_q, "mean_q"),
            (std_q, "std_q"),
        )
    ]
    if any(v.size != 1 for v in vals):
        raise ValueError("gaussian_kl takes four scalars")
    mp, sp, mq, sq = (float(v[0]) for v in vals)
    if sp <= 0 or sq <= 0:
        raise ValueError("standard deviations must be positive")
    return float(np.log(sq / sp) + (sp**2 + (mp - mq) ** 2) / (2 * sq**2) - 0.5)


_DIVERGENCES = ("forward_kl", "reverse_kl", "js")


def _grid_and_log_p(x, log_p):
    grid = _as_1d_float(x, "x")
    if grid.size < 3:
        raise ValueError("x must have at least three grid points")
    steps = np.diff(grid)
    if np.any(steps <= 0) or not np.allclose(steps, steps[0], rtol=1e-6, atol=0):
        raise ValueError("x must be an increasing, evenly spaced grid")
    lp = np.asarray(log_p, dtype=np.float64)
    if lp.shape != grid.shape:
        raise ValueError(
            f"log_p must have one value per grid point ({grid.size}), got shape {lp.shape}"
        )
    if np.any(np.isnan(lp)) or np.any(lp == np.inf):
        raise ValueError("log_p contains NaN or +inf")
    if not np.any(np.isfinite(lp)):
        raise ValueError("log_p is -inf everywhere: the target has no mass on the grid")
    return grid, lp


def _normalise_log(lp):
    from scipy.special import logsumexp

    return lp - logsumexp(lp)


def _discrete_divergence(log_p, log_q, divergence):
    """Divergence between two discrete distributions given by normalised log weights."""
    p, q = np.exp(log_p), np.exp(log_q)
    if (
        divergence == "forward_kl"
    ):  # KL(p || q): weights by p, infinite if q misses p's mass
        mask = p > 0
        return float(np.sum(p[mask] * (log_p[mask] - log_q[mask])))
    if divergence == "reverse_kl":  # KL(q || p)
        mask = q > 0
        return float(np.sum(q[mask] * (log_q[mask] - log_p[mask])))
    log_m = np.logaddexp(log_p, log_q) - np.log(2.0)
    mp, mq = p > 0, q > 0
    return float(
        0.5 * np.sum(p[mp] * (log_p[mp] - log_m[mp]))
        + 0.5 * np.sum(q[mq] * (log_q[mq] - log_m[mq]))
    )


def divergence_on_grid(x, log_p, log_q, divergence: str = "forward_kl") -> float:
    """A divergence between two 1-D densities given as log values on an even grid (chapter 5).

    Both densities are renormalised on the grid (Riemann sums), so the result is the
    divergence between the two discretised distributions, which approaches the
    continuous one as the grid gets finer and wider. ``divergence`` is

    - ``"forward_kl"``: KL(p || q) = sum p log(p / q), what maximum likelihood minimises
      when p is the data distribution and q the model;
    - ``"reverse_kl"``: KL(q || p);
    - ``"js"``: the Jensen-Shannon divergence, (KL(p || m) + KL(q || m)) / 2 with
      m = (p + q) / 2; symmetric and at most log 2.

    All in nats.
    """
    if divergence not in _DIVERGENCES:
        raise ValueError(
            f"divergence must be one of {_DIVERGENCES}, got {divergence!r}"
        )
    grid, lp = _grid_and_log_p(x, log_p)
    _, lq = _grid_and_log_p(grid, log_q)
    return _discrete_divergence(_normalise_log(lp), _normalise_log(lq), divergence)


def fit_gaussian_to_density(x, log_p, divergence: str = "forward_kl", init=None):
    """Fit one normal N(mean, std**2) to a 1-D target density by minimising a divergence.

    Introduced in chapter 5. ``x`` is an even grid wide enough to hold both densities and
    ``log_p`` the target's log density on it; ``divergence`` is one of
    ``"forward_kl"``, ``"reverse_kl"``, ``"js"`` (see :func:`divergence_on_grid`).
    ``init = (mean, std)`` is where the search starts (default: the target's own mean and
    standard deviation on the grid). Both densities are renormalised on the grid, so the
    grid must reach several standard deviations beyond the target and beyond every
    candidate normal (for a wide forward-KL fit, about six of its standard deviations
    each side); otherwise the cut-off tails bias the fit. Reverse KL and JS can have several local minima (one
    per mode), so the answer can depend on ``init``. Returns ``(mean, std, value)``.

    The forward-KL fit is moment matching: the target's mean and standard deviation.
    """
    from scipy.optimize import minimize

    if divergence not in _DIVERGENCES:
        raise ValueError(
            f"divergence must be one of {_DIVERGENCES}, got {divergence!r}"
        )
    grid, lp = _grid_and_log_p(x, log_p)
    log_pn = _normalise_log(lp)
    pn = np.exp(log_pn)
    if init is None:
        m0 = float(np.sum(pn * grid))
        s0 = float(np.sqrt(np.sum(pn * (grid - m0) ** 2)))
    else:
        init = _as_1d_float(init, "init")
        if init.size != 2 or init[1] <= 0:
            raise ValueError("init must be (mean, std) with std > 0")
        m0, s0 = float(init[0]), float(init[1])
    step = float(grid[1] - grid[0])
    s0 = max(s0, step)

    def objective(theta):
        m, log_s = theta
        lq = -0.5 * ((grid - m) / np.exp(log_s)) ** 2 - log_s
        return _discrete_divergence(log_pn, _normalise_log(lq), divergence)

    result = minimize(
        objective,
        x0=np.array([m0, np.log(s0)]),
        method="Nelder-Mead",
        options={"xatol": 1e-6, "fatol": 1e-10, "maxiter": 4000},
    )
    m, log_s = result.x
    return float(m), float(np.exp(log_s)), float(result.fun)


def laplacian_variance(images) -> np.ndarray:
    """Sharpness of each image: the variance of its discrete Laplacian (chapter 5).

    The Laplacian ``4 * centre - (up + down + left + right)`` is taken at every interior
    pixel (26 x 26 of them, no padding) and its variance over those pixels is returned,
    one number per image. A constant image or a linear ramp gives 0; blurring an image
    lowers it, because blur spreads each edge over more pixels and flattens its
    curvature. Used to measure how blurry a VAE's decoded digits are.
    """
    x = check_images(images, name="images").astype(np.float64).reshape(-1, 28, 28)
    lap = (
        4.0 * x[:, 1:-1, 1:-1]
        - x[:, :-2, 1:-1]
        - x[:, 2:, 1:-1]
        - x[:, 1:-1, :-2]
        - x[:, 1:-1, 2:]
    )
    return lap.reshape(len(x), -1).var(axis=1)


def log_mean_exp(values, axis: int = -1) -> np.ndarray:
    """``log(mean(exp(values)))`` along ``axis``, computed stably (chapter 5).

    Used to average importance weights that are stored as logarithms.
    """
    from scipy.special import logsumexp

    a = np.asarray(values, dtype=np.float64)
    if a.ndim == 0 or a.size == 0:
        raise ValueError("values must be a non-empty array")
    if np.any(np.isnan(a)):
        raise ValueError("values contains NaN")
    return logsumexp(a, axis=axis) - np.log(a.shape[axis])


def vae_log_weights(x, probs, z, z_mean, z_log_var, clip: float = 1e-7) -> np.ndarray:
    """Log importance weights ``log p(x|z) + log p(z) - log q(z|x)`` of a Bernoulli VAE.

    Introduced in chapter 5 to estimate a VAE's log-likelihood by importance sampling
    (Burda et al., 2016). Shapes: ``x`` (n, 784) images; ``z`` (n, K, d) latent samples
    drawn from ``q(z|x) = N(z_mean, exp(z_log_var))`` with ``z_mean``, ``z_log_var`` of
    shape (n, d); ``probs`` (n, K, 784) the decoder's pixel probabilities at ``z``. The
    prior is N(0, I). ``log p(x|z)`` is minus the summed binary cross-entropy, with the
    probabilities clipped to ``[clip, 1 - clip]`` as Keras does in the training loss.
    Returns an (n, K) array: its mean over K estimates the ELBO and
    :func:`log_mean_exp` over K estimates ``log p(x)`` from below, more tightly as K grows.
    """
    xs = check_images(x, name="x").astype(np.float64)
    n = xs.shape[0]
    pr = np.asarray(probs, dtype=np.float64)
    zz = np.asarray(z, dtype=np.float64)
    zm = np.asarray(z_mean, dtype=np.float64)
    zv = np.asarray(z_log_var, dtype=np.float64)
    if zm.ndim != 2 or zm.shape[0] != n or zv.shape != zm.shape:
        raise ValueError(
            f"z_mean and z_log_var must both have shape (n={n}, d), got {zm.shape} and {zv.shape}"
        )
    d = zm.shape[1]
    if zz.ndim != 3 or zz.shape[0] != n or zz.shape[2] != d:
        raise ValueError(f"z must have shape (n={n}, K, d={d}), got {zz.shape}")
    k = zz.shape[1]
    if pr.shape != (n, k, xs.shape[1]):
        raise ValueError(f"probs must have shape {(n, k, xs.shape[1])}, got {pr.shape}")
    if not (0.0 <= clip < 0.5):
        raise ValueError(f"clip must be in [0, 0.5), got {clip!r}")
    if not (
        np.all(np.isfinite(pr))
        and np.all(np.isfinite(zz))
        and np.all(np.isfinite(zm))
        and np.all(np.isfinite(zv))
    ):
        raise ValueError("probs, z, z_mean and z_log_var must be finite")
    if pr.min() < 0.0 or pr.max() > 1.0:
        raise ValueError("probs must lie in [0, 1]")
    p = np.clip(
        pr, clip, 1.0 - clip, out=pr if pr is not probs else None
    )  # in place when pr is a copy
    with np.errstate(divide="ignore"):
        log_1mp = np.log1p(-p)
        log_p = np.log(p, out=p)
    # sum over pixels of x log p + (1 - x) log(1 - p), without broadcasting x over K
    log_px_z = np.einsum("nkp,np->nk", log_p, xs) + np.einsum(
        "nkp,np->nk", log_1mp, 1.0 - xs
    )
    log2pi = np.log(2.0 * np.pi)
    log_pz = -0.5 * np.sum(zz**2 + log2pi, axis=2)
    log_qz = -0.5 * np.sum(
        (zz - zm[:, None, :]) ** 2 / np.exp(zv)[:, None, :] + zv[:, None, :] + log2pi,
        axis=2,
    )
    return log_px_z + log_pz - log_qz


# --- Search in latent space (introduced in chapter 1) ----------------------------------------


def _ch1_features(features, name: str = "features") -> np.ndarray:
    """Return ``features`` as a finite float64 array of shape (n, d), or raise."""
    arr = as_numeric_array(features, name, "an array of feature vectors")
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must have shape (n, d): one row per item, got {arr.shape}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty: got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _ch1_labels(labels, n: int | None = None) -> np.ndarray:
    if isinstance(labels, (str, bytes)) or labels is None:
        raise TypeError(f"labels must be a 1-D array, got {type(labels).__name__}")
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {arr.shape}")
    if n is not None and len(arr) != n:
        raise ValueError(
            f"labels must have one entry per row of features ({n}), got {len(arr)}"
        )
    if len(arr) < 2:
        raise ValueError(f"need at least two labelled items, got {len(arr)}")
    return arr


def same_label_chance(labels) -> float:
    """Probability that a randomly chosen *other* item has the same label as a given item.

    Introduced in chapter 1 as the chance level of :func:`precision_at_k`: a search that
    returned neighbours at random would score this on average. With class counts ``n_c``
    out of ``n`` items it is ``sum_c n_c * (n_c - 1) / (n * (n - 1))``.
    """
    arr = _ch1_labels(labels)
    _, counts = np.unique(arr, return_counts=True)
    n = len(arr)
    return float(np.sum(counts * (counts - 1.0)) / (n * (n - 1.0)))


def precision_at_k(
    features, labels, k: int = 10, queries=None, chunk_size: int = 1000
) -> float:
    """Search quality: the share of each query's ``k`` nearest neighbours with its label.

    Introduced in chapter 1 (search by nearest neighbours in latent space). Every row of
    ``features`` is an item (a latent code, or the 784 pixels of an image); ``queries``
    (indices into the rows, default: every row) are searched against all the *other*
    rows by Euclidean distance, so a query never finds itself. The result is averaged
    over queries and lies in [0, 1]; compare it with :func:`same_label_chance`. Ties in
    distance are broken arbitrarily. Distances are computed in chunks of ``chunk_size``
    queries, so memory stays at ``chunk_size * n`` numbers.
    """
    x = _ch1_features(features)
    n = x.shape[0]
    y = _ch1_labels(labels, n)
    if (
        isinstance(k, bool)
        or not isinstance(k, (int, np.integer))
        or not 1 <= k <= n - 1
    ):
        raise ValueError(
            f"k must be an integer between 1 and n - 1 = {n - 1}, got {k!r}"
        )
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, (int, np.integer))
        or chunk_size < 1
    ):
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    if queries is None:
        q = np.arange(n)
    else:
        q = np.asarray(queries)
        if q.ndim != 1 or q.size == 0:
            raise ValueError(
                f"queries must be a non-empty 1-D array of row indices, got shape {q.shape}"
            )
        if q.dtype == bool or not np.issubdtype(q.dtype, np.integer):
            raise TypeError(
                f"queries must hold integer row indices, got dtype {q.dtype}"
            )
        if q.min() < 0 or q.max() >= n:
            raise ValueError(
                f"queries must be row indices in [0, {n - 1}], got values in [{q.min()}, {q.max()}]"
            )
    k = int(k)
    sq = np.sum(x**2, axis=1)
    hits = 0
    for start in range(0, len(q), int(chunk_size)):
        rows = q[start : start + int(chunk_size)]
        d = sq[rows, None] + sq[None, :] - 2.0 * (x[rows] @ x.T)
        d[np.arange(len(rows)), rows] = np.inf  # a query is not its own neighbour
        nearest = np.argpartition(d, k - 1, axis=1)[:, :k]
        hits += int(np.sum(y[nearest] == y[rows, None]))
    return float(hits / (len(q) * k))


def _basis_matrix(m, name: str) -> np.ndarray:
    arr = as_numeric_array(m, name, "a 2-D array of basis vectors")
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (dimension, k), got shape {arr.shape}"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if arr.shape[1] > arr.shape[0]:
        raise ValueError(
            f"{name} has more columns ({arr.shape[1]}) than rows ({arr.shape[0]}): pass the "
            "basis vectors as columns, shape (dimension, k)"
        )
    if np.linalg.matrix_rank(arr) < arr.shape[1]:
        raise ValueError(
            f"the {arr.shape[1]} columns of {name} are linearly dependent: they span fewer dimensions"
        )
    return arr


def principal_angles(a, b, degrees: bool = True) -> np.ndarray:
    """Principal angles between the subspaces spanned by the columns of ``a`` and of ``b``.

    Introduced in chapter 2, to show that a linear autoencoder's decoder spans the same
    subspace as the top principal components even though its basis vectors differ.
    ``a`` has shape (dimension, k_a) and ``b`` (dimension, k_b): basis vectors as
    columns (transpose a Keras decoder kernel, which stores them as rows). The columns
    need not be orthonormal, only linearly independent. Returns the ``min(k_a, k_b)``
    angles from largest to smallest (the order of ``scipy.linalg.subspace_angles``), in
    degrees unless ``degrees=False``; all are 0 when one subspace contains the other.
    """
    from scipy.linalg import subspace_angles

    a = _basis_matrix(a, "a")
    b = _basis_matrix(b, "b")
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"a and b must live in the same space: a has {a.shape[0]} rows, b has {b.shape[0]}"
        )
    if not isinstance(degrees, bool):
        raise TypeError(f"degrees must be True or False, got {degrees!r}")
    angles = subspace_angles(a, b)
    return np.degrees(angles) if degrees else angles
