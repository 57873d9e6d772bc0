"""vaelib.pca, exported from chapter 2 (autoencoders versus PCA).

Each function is checked against an independent reference: the SVD definition of
principal angles, scikit-learn's PCA, plain NumPy sums, and the eigenvectors NumPy
computes for data whose principal subspace is known.
"""

import numpy as np
import pytest

from vaelib import pca

# --------------------------------------------------------------------------------------
# principal_angles
# --------------------------------------------------------------------------------------


def plane_pair(theta):
    """Two planes in R^3 that share e1 and otherwise meet at ``theta`` (radians)."""
    a = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    b = np.array([[1.0, 0.0], [0.0, np.cos(theta)], [0.0, np.sin(theta)]])
    return a, b


@pytest.mark.parametrize("theta_deg", [0.0, 0.5, 10.0, 37.0, 89.0])
def test_two_planes_meeting_at_a_known_angle(theta_deg):
    a, b = plane_pair(np.radians(theta_deg))
    # One shared direction (angle 0) and one direction tilted by theta, largest first.
    np.testing.assert_allclose(pca.principal_angles(a, b), [theta_deg, 0.0], atol=1e-7)


def test_radians_on_request():
    a, b = plane_pair(np.radians(30.0))
    np.testing.assert_allclose(
        pca.principal_angles(a, b, degrees=False), [np.pi / 6, 0.0], atol=1e-12
    )


def test_orthogonal_lines_are_at_ninety_degrees():
    e1 = np.eye(5)[:, [0]]
    e4 = np.eye(5)[:, [3]]
    np.testing.assert_allclose(pca.principal_angles(e1, e4), [90.0], atol=1e-9)


def test_same_subspace_in_a_skewed_basis_gives_zero_angles():
    # A decoder's basis is a mixed, non-orthonormal version of PCA's: same span.
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(50, 4)))
    mixing = rng.normal(size=(4, 4)) + 3 * np.eye(4)  # invertible, not orthogonal
    skewed = q @ mixing
    assert not np.allclose(skewed.T @ skewed, np.eye(4))
    np.testing.assert_allclose(pca.principal_angles(q, skewed), np.zeros(4), atol=1e-5)


def test_a_subspace_inside_a_larger_one():
    rng = np.random.default_rng(1)
    big = rng.normal(size=(20, 5))
    small = big @ rng.normal(size=(5, 2))  # two vectors inside span(big)
    angles = pca.principal_angles(small, big)
    assert angles.shape == (2,)
    np.testing.assert_allclose(angles, 0.0, atol=1e-5)


def test_matches_the_svd_definition_on_random_subspaces():
    # cos(angle_i) are the singular values of Qa^T Qb for orthonormal bases Qa, Qb.
    rng = np.random.default_rng(2)
    a = rng.normal(size=(30, 3))
    b = rng.normal(size=(30, 4))
    qa, _ = np.linalg.qr(a)
    qb, _ = np.linalg.qr(b)
    cosines = np.clip(np.linalg.svd(qa.T @ qb, compute_uv=False), -1.0, 1.0)
    expected = np.sort(np.degrees(np.arccos(cosines)))[::-1]
    np.testing.assert_allclose(pca.principal_angles(a, b), expected, atol=1e-6)


def test_symmetric_in_its_arguments():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(12, 3))
    b = rng.normal(size=(12, 3))
    np.testing.assert_allclose(
        pca.principal_angles(a, b), pca.principal_angles(b, a), atol=1e-9
    )


def test_accepts_integer_and_list_input():
    np.testing.assert_allclose(
        pca.principal_angles([[1], [0]], [[1], [1]]), [45.0], atol=1e-9
    )


@pytest.mark.parametrize(
    "a, b, error, match",
    [
        ("abc", np.eye(3), TypeError, "a must be"),
        (np.eye(3), None, TypeError, "b must be"),
        (np.eye(3, dtype=complex), np.eye(3), TypeError, "real numbers"),
        (np.ones((3, 2), dtype=bool), np.eye(3), TypeError, "real numbers"),
        (np.ones(3), np.eye(3), ValueError, "2-D"),
        (np.empty((3, 0)), np.eye(3), ValueError, "2-D"),
        (np.array([[np.nan], [1.0], [0.0]]), np.eye(3), ValueError, "NaN"),
        (np.ones((2, 5)), np.eye(2), ValueError, "more columns"),
        (
            np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]),
            np.eye(3),
            ValueError,
            "linearly dependent",
        ),
        (np.eye(3), np.eye(4), ValueError, "same space"),
    ],
)
def test_principal_angles_refuses_bad_input(a, b, error, match):
    with pytest.raises(error, match=match):
        pca.principal_angles(a, b)


def test_degrees_must_be_a_bool():
    with pytest.raises(TypeError, match="degrees"):
        pca.principal_angles(np.eye(3), np.eye(3), degrees="yes")


# --------------------------------------------------------------------------------------
# error_per_image and pca_reconstruct
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def images():
    """200 synthetic 'images' in [0, 1] with a few strong directions of variation."""
    rng = np.random.default_rng(4)
    patterns = rng.uniform(size=(5, 784))
    weights = rng.uniform(size=(200, 5))
    x = weights @ patterns / 5 + 0.05 * rng.uniform(size=(200, 784))
    return np.clip(x, 0.0, 1.0).astype(np.float32)


def test_error_per_image_is_the_mean_of_per_image_sums(images):
    rng = np.random.default_rng(5)
    x_hat = images + rng.normal(scale=0.2, size=images.shape)  # leaves [0, 1]
    expected = np.mean(np.sum((images.astype(np.float64) - x_hat) ** 2, axis=1))
    assert pca.error_per_image(images, x_hat) == pytest.approx(expected, rel=1e-6)
    assert pca.error_per_image(images, images) == 0.0


def test_error_per_image_refuses_mismatched_shapes(images):
    with pytest.raises(ValueError, match="same shape"):
        pca.error_per_image(images, images[:10])


@pytest.mark.parametrize("k", [1, 3, 20])
def test_pca_reconstruct_matches_scikit_learn(images, k):
    from sklearn.decomposition import PCA

    fitted = PCA(n_components=k, svd_solver="full").fit(images)
    expected = fitted.inverse_transform(fitted.transform(images))
    full = PCA(svd_solver="full").fit(images)  # all components; pca_reconstruct slices
    ours = pca.pca_reconstruct(images, full.mean_, full.components_, k)
    assert ours.shape == images.shape
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_pca_reconstruct_with_every_direction_is_the_identity():
    rng = np.random.default_rng(6)
    x = rng.uniform(size=(10, 784))
    basis, _ = np.linalg.qr(rng.normal(size=(784, 784)))  # a complete orthonormal basis
    out = pca.pca_reconstruct(x, x.mean(axis=0), basis.T, 784)
    np.testing.assert_allclose(out, x, atol=1e-4)


def test_pca_reconstruct_training_error_is_the_variance_left_out(images):
    # Eckart-Young: the training error of PCA-k is the sum of the left-out eigenvalues.
    x = images.astype(np.float64)
    mu = x.mean(axis=0)
    lam, vectors = np.linalg.eigh((x - mu).T @ (x - mu) / len(x))
    lam, vectors = lam[::-1], vectors[:, ::-1]
    for k in (1, 4, 10):
        err = pca.error_per_image(images, pca.pca_reconstruct(x, mu, vectors.T, k))
        assert err == pytest.approx(lam[k:].sum(), rel=1e-4)


@pytest.mark.parametrize(
    "change, error, match",
    [
        (dict(x=np.full((3, 784), 2.0)), ValueError, r"\[0, 1\]"),
        (dict(x=np.ones((3, 10))), ValueError, "shape"),
        (dict(mean=np.zeros(10)), ValueError, "mean must have shape"),
        (dict(mean="zero"), TypeError, "mean must be"),
        (dict(components=np.eye(784)[0]), ValueError, "components must have shape"),
        (dict(components=np.eye(10)), ValueError, "components must have shape"),
        (dict(components=None), TypeError, "components must be"),
        (dict(k=0), ValueError, "between 1 and"),
        (dict(k=785), ValueError, "between 1 and"),
        (dict(k=2.0), TypeError, "integer"),
        (dict(k=True), TypeError, "integer"),
        (dict(mean=np.full(784, np.nan)), ValueError, "NaN"),
    ],
)
def test_pca_reconstruct_refuses_bad_input(change, error, match):
    args = dict(x=np.zeros((3, 784)), mean=np.zeros(784), components=np.eye(784), k=2)
    args.update(change)
    with pytest.raises(error, match=match):
        pca.pca_reconstruct(**args)


# --------------------------------------------------------------------------------------
# train_linear_autoencoder
# --------------------------------------------------------------------------------------


def test_a_linear_autoencoder_finds_the_principal_subspace_of_synthetic_data():
    # The chapter's claim on data whose answer NumPy knows: three strong directions
    # hidden in 12 dimensions. The decoder's rows must span the top-3 eigenvectors of
    # the covariance, without being orthonormal.
    pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    n, d, k = 2000, 12, 3
    rotation, _ = np.linalg.qr(rng.normal(size=(d, d)))
    scales = np.array([3.0, 2.5, 2.0] + [0.3] * (d - k))
    x = (rng.normal(size=(n, d)) * scales) @ rotation.T
    x = (x - x.mean(axis=0)).astype(np.float32)
    _, eigenvectors = np.linalg.eigh(np.cov(x, rowvar=False))
    top = eigenvectors[:, ::-1][:, :k]

    encoder, decoder, autoencoder, history = pca.train_linear_autoencoder(
        x, k, epochs=40, batch_size=200, learning_rate=0.02, seed=0
    )
    w_d = decoder.get_layer("reconstruction").get_weights()[0]  # (k, d): rows
    assert w_d.shape == (k, d)
    assert len(history.history["loss"]) == 40
    assert pca.principal_angles(w_d.T, top).max() < 2.0
    # A random subspace of the same size is far away: the test can tell the difference.
    assert pca.principal_angles(rng.normal(size=(d, k)), top).max() > 20.0
    assert not np.allclose(w_d @ w_d.T, np.eye(k), atol=0.05)  # not orthonormal
    # Reconstructions as good as the best rank-k projection, on the training data.
    x_hat = autoencoder.predict(x, verbose=0)
    projection = x @ top @ top.T
    best = np.mean(np.sum((x - projection) ** 2, axis=1))
    assert np.mean(np.sum((x - x_hat) ** 2, axis=1)) < 1.1 * best  # random: ~20x


def test_train_linear_autoencoder_is_seeded():
    pytest.importorskip("keras")
    x = np.random.default_rng(1).normal(size=(100, 6)).astype(np.float32)
    runs = [
        pca.train_linear_autoencoder(x, 2, epochs=2, batch_size=50, seed=3)[1]
        for _ in range(2)
    ]
    w = [r.get_layer("reconstruction").get_weights()[0] for r in runs]
    np.testing.assert_array_equal(w[0], w[1])


@pytest.mark.parametrize(
    "change, error, match",
    [
        (dict(x_centred="data"), TypeError, "x_centred must be"),
        (dict(x_centred=np.zeros(5)), ValueError, r"shape \(n, d\)"),
        (dict(x_centred=np.zeros((0, 5))), ValueError, r"shape \(n, d\)"),
        (dict(x_centred=np.full((4, 5), np.nan)), ValueError, "NaN"),
        (dict(k=0), ValueError, "k must be positive"),
        (dict(k=6), ValueError, "at most the dimension"),
        (dict(k=2.5), TypeError, "k must be an integer"),
        (dict(epochs=True), TypeError, "epochs must be an integer"),
        (dict(batch_size=0), ValueError, "batch_size must be positive"),
        (dict(learning_rate=-0.1), ValueError, "learning_rate"),
    ],
)
def test_train_linear_autoencoder_refuses_bad_input(change, error, match):
    args = dict(x_centred=np.zeros((4, 5)), k=2, epochs=1)
    args.update(change)
    with pytest.raises(error, match=match):
        pca.train_linear_autoencoder(**args)
