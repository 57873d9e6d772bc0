"""vaelib.stats.principal_angles, introduced in chapter 2 (autoencoders versus PCA)."""

import numpy as np
import pytest

from vaelib import stats


def plane_pair(theta):
    """Two planes in R^3 that share e1 and meet at angle ``theta`` (radians) otherwise."""
    a = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    b = np.array([[1.0, 0.0], [0.0, np.cos(theta)], [0.0, np.sin(theta)]])
    return a, b


@pytest.mark.parametrize("theta_deg", [0.0, 0.5, 10.0, 37.0, 89.0])
def test_two_planes_meeting_at_a_known_angle(theta_deg):
    a, b = plane_pair(np.radians(theta_deg))
    angles = stats.principal_angles(a, b)
    # One shared direction (angle 0) and one direction tilted by theta, largest first.
    np.testing.assert_allclose(angles, [theta_deg, 0.0], atol=1e-7)


def test_radians_on_request():
    a, b = plane_pair(np.radians(30.0))
    np.testing.assert_allclose(
        stats.principal_angles(a, b, degrees=False), [np.pi / 6, 0.0], atol=1e-12
    )


def test_orthogonal_lines_are_at_ninety_degrees():
    e1 = np.eye(5)[:, [0]]
    e4 = np.eye(5)[:, [3]]
    np.testing.assert_allclose(stats.principal_angles(e1, e4), [90.0], atol=1e-9)


def test_same_subspace_in_a_skewed_basis_gives_zero_angles():
    # A decoder's basis is a mixed, non-orthonormal version of PCA's: same span.
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(50, 4)))
    mixing = rng.normal(size=(4, 4)) + 3 * np.eye(4)  # invertible, not orthogonal
    skewed = q @ mixing
    assert not np.allclose(skewed.T @ skewed, np.eye(4))
    np.testing.assert_allclose(
        stats.principal_angles(q, skewed), np.zeros(4), atol=1e-5
    )


def test_a_subspace_inside_a_larger_one():
    rng = np.random.default_rng(1)
    big = rng.normal(size=(20, 5))
    small = big @ rng.normal(size=(5, 2))  # two vectors inside span(big)
    angles = stats.principal_angles(small, big)
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
    np.testing.assert_allclose(stats.principal_angles(a, b), expected, atol=1e-6)


def test_symmetric_in_its_arguments():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(12, 3))
    b = rng.normal(size=(12, 3))
    np.testing.assert_allclose(
        stats.principal_angles(a, b), stats.principal_angles(b, a), atol=1e-9
    )


def test_accepts_integer_and_list_input():
    np.testing.assert_allclose(
        stats.principal_angles([[1], [0]], [[1], [1]]), [45.0], atol=1e-9
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
def test_bad_input_is_refused(a, b, error, match):
    with pytest.raises(error, match=match):
        stats.principal_angles(a, b)


def test_degrees_must_be_a_bool():
    with pytest.raises(TypeError, match="degrees"):
        stats.principal_angles(np.eye(3), np.eye(3), degrees="yes")


def test_a_linear_autoencoder_finds_the_principal_subspace_of_synthetic_data():
    # The chapter's claim on data whose answer NumPy knows: three strong directions hidden
    # in 12 dimensions. The decoder's rows must span the top-3 eigenvectors of the
    # covariance, without being orthonormal.
    keras = pytest.importorskip("keras")
    from vaelib import models

    rng = np.random.default_rng(0)
    n, d, k = 2000, 12, 3
    rotation, _ = np.linalg.qr(rng.normal(size=(d, d)))
    x = (
        rng.normal(size=(n, d)) * np.array([3.0, 2.5, 2.0] + [0.3] * (d - k))
    ) @ rotation.T
    x = (x - x.mean(axis=0)).astype(np.float32)
    _, eigenvectors = np.linalg.eigh(np.cov(x, rowvar=False))
    top = eigenvectors[:, ::-1][:, :k]

    keras.utils.set_random_seed(0)
    _, decoder, autoencoder = models.build_autoencoder(
        k, hidden=(), activation=None, output_activation=None, input_dim=d
    )
    autoencoder.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    autoencoder.fit(x, x, batch_size=200, epochs=60, verbose=0)
    w_d = decoder.get_layer("reconstruction").get_weights()[
        0
    ]  # (k, d): basis vectors as rows

    assert stats.principal_angles(w_d.T, top).max() < 2.0
    # A random subspace of the same size is far away: the test can tell the difference.
    assert stats.principal_angles(rng.normal(size=(d, k)), top).max() > 20.0
    gram = w_d @ w_d.T
    assert not np.allclose(gram, np.eye(k), atol=0.05)  # not PCA's orthonormal basis
