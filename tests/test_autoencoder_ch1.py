"""Unit tests for the vaelib functions chapter 1 introduces.

- ``vaelib.stats.same_label_chance`` and ``vaelib.stats.precision_at_k`` (search by
  nearest neighbours in latent space), checked against brute-force NumPy references;
- ``vaelib.plots.plot_error_vs_code_size`` (the bottleneck sweep figure), checked by
  reading back what it drew.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from vaelib import plots, stats  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- reference implementations (deliberately naive) -------------------------------------------


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


# --- same_label_chance --------------------------------------------------------------------------


def test_same_label_chance_small_cases_by_hand():
    assert stats.same_label_chance([0, 0, 1]) == pytest.approx(
        1 / 3
    )  # 2 of 6 ordered pairs
    assert stats.same_label_chance([7, 7, 7, 7]) == pytest.approx(1.0)
    assert stats.same_label_chance([0, 1, 2, 3]) == pytest.approx(0.0)
    assert stats.same_label_chance(["a", "b", "a", "b"]) == pytest.approx(4 / 12)


def test_same_label_chance_matches_pair_count():
    labels = np.random.default_rng(0).integers(0, 5, size=60)
    assert stats.same_label_chance(labels) == pytest.approx(_chance_by_pairs(labels))


def test_same_label_chance_balanced_classes_tends_to_one_over_classes():
    labels = np.repeat(np.arange(10), 1000)
    # (1000 * 999 * 10) / (10000 * 9999), a little below 1/10
    assert stats.same_label_chance(labels) == pytest.approx(999 / 9999)


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
        stats.same_label_chance(bad)


# --- precision_at_k --------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 3, 10])
def test_precision_at_k_matches_brute_force(k):
    rng = np.random.default_rng(1)
    features = rng.normal(size=(80, 5))
    labels = rng.integers(0, 4, size=80)
    expected = _precision_by_sorting(features, labels, k)
    assert stats.precision_at_k(features, labels, k=k) == pytest.approx(expected)


def test_precision_at_k_with_query_subset_and_chunks():
    rng = np.random.default_rng(2)
    features = rng.normal(size=(70, 4)).astype(np.float32)
    labels = rng.integers(0, 3, size=70)
    queries = np.array([5, 0, 69, 33, 12])
    expected = _precision_by_sorting(features, labels, 4, queries)
    for chunk in (1, 2, 1000):
        assert stats.precision_at_k(
            features, labels, k=4, queries=queries, chunk_size=chunk
        ) == pytest.approx(expected)


def test_precision_with_all_other_items_equals_chance():
    rng = np.random.default_rng(3)
    features = rng.normal(size=(40, 2))
    labels = rng.integers(0, 3, size=40)
    # With k = n - 1 every other item is a neighbour, whatever the features.
    assert stats.precision_at_k(features, labels, k=39) == pytest.approx(
        stats.same_label_chance(labels)
    )


def test_precision_perfect_for_separated_clusters():
    rng = np.random.default_rng(4)
    centres = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]])
    labels = np.repeat(np.arange(3), 10)
    features = centres[labels] + rng.normal(scale=0.1, size=(30, 2))
    assert stats.precision_at_k(features, labels, k=9) == pytest.approx(1.0)
    # Labels assigned against the clusters: no neighbour shares a label.
    assert stats.precision_at_k(
        features, np.tile(np.arange(10), 3), k=5
    ) == pytest.approx(0.0)


def test_precision_never_counts_the_query_itself():
    # Each item's only other item carries the other label: counting itself would give 1.
    assert stats.precision_at_k([[0.0], [10.0]], [0, 1], k=1) == pytest.approx(0.0)


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
        (dict(chunk_size=0), ValueError),
    ],
)
def test_precision_at_k_rejects_bad_arguments(kwargs, error):
    features = np.arange(10, dtype=float).reshape(5, 2)
    with pytest.raises(error):
        stats.precision_at_k(features, [0, 0, 1, 1, 1], **{"k": 1, **kwargs})
    # The same call without the bad argument works, so the error is the argument's.
    assert 0.0 <= stats.precision_at_k(features, [0, 0, 1, 1, 1], k=1) <= 1.0


@pytest.mark.parametrize(
    "features, labels, error",
    [
        (np.arange(5.0), [0, 0, 1, 1, 1], ValueError),  # 1-D features
        (np.full((5, 2), np.nan), [0, 0, 1, 1, 1], ValueError),
        (np.array([["a", "b"]] * 5), [0, 0, 1, 1, 1], TypeError),
        ("features", [0, 1], TypeError),
        (np.zeros((5, 2)), [0, 1, 1], ValueError),  # one label per row
        (np.zeros((0, 2)), [], ValueError),
    ],
)
def test_precision_at_k_rejects_bad_inputs(features, labels, error):
    with pytest.raises(error):
        stats.precision_at_k(features, labels, k=1)


# --- plot_error_vs_code_size --------------------------------------------------------------------


def test_plot_error_vs_code_size_draws_the_data_and_the_ratios():
    fig = plots.plot_error_vs_code_size(
        [8, 2, 32, 4, 16], [20.0, 40.0, 10.0, 30.0, 15.0]
    )
    ax = fig.axes[0]
    (line,) = ax.get_lines()
    np.testing.assert_allclose(
        line.get_xdata(), [2, 4, 8, 16, 32]
    )  # sorted by code size
    np.testing.assert_allclose(line.get_ydata(), [40.0, 30.0, 20.0, 15.0, 10.0])
    assert ax.get_xscale() == "log"
    top = fig.axes[1]
    np.testing.assert_allclose(top.get_xticks(), [2, 4, 8, 16, 32])
    assert [t.get_text() for t in top.get_xticklabels()] == [
        "392×",
        "196×",
        "98×",
        "49×",
        "24.5×",
    ]
    assert top.get_xlim() == pytest.approx(ax.get_xlim())
    assert ax.get_legend() is None


def test_plot_error_vs_code_size_several_curves_and_input_dim():
    errors = {"PCA": [5.0, 4.0, 3.0], "autoencoder": [4.0, 3.0, 2.0]}
    fig = plots.plot_error_vs_code_size([10, 20, 50], errors, input_dim=100)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [l.get_label() for l in lines] == ["PCA", "autoencoder"]
    np.testing.assert_allclose(lines[1].get_ydata(), [4.0, 3.0, 2.0])
    assert lines[0].get_marker() != lines[1].get_marker()  # apart without colour
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["PCA", "autoencoder"]
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["10×", "5×", "2×"]


def test_plot_error_vs_code_size_uses_a_given_axis():
    fig, ax = plt.subplots()
    assert plots.plot_error_vs_code_size([1, 2], [2.0, 1.0], ax=ax) is fig
    assert len(ax.get_lines()) == 1


@pytest.mark.parametrize(
    "sizes, errors, kwargs, error",
    [
        ([2, 4], [1.0], {}, ValueError),  # one error per size
        ([0, 4], [1.0, 2.0], {}, ValueError),
        ([-2, 4], [1.0, 2.0], {}, ValueError),
        ([], [], {}, ValueError),
        ([2, 4], [1.0, np.nan], {}, ValueError),
        ([2, 4], ["a", "b"], {}, TypeError),
        ([2, 4], {}, {}, ValueError),
        ([2, 4], {"a": [1.0, 2.0], "b": [1.0]}, {}, ValueError),
        ([2, 4], [1.0, 2.0], {"input_dim": 0}, ValueError),
    ],
)
def test_plot_error_vs_code_size_rejects_bad_input(sizes, errors, kwargs, error):
    with pytest.raises(error):
        plots.plot_error_vs_code_size(sizes, errors, **kwargs)
