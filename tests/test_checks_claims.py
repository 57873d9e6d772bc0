"""vaelib.checks (argument checks) and vaelib.claims (the text's claims, the seed)."""

import numpy as np
import pytest

from vaelib import checks, claims

# --------------------------------------------------------------------------------------
# checks: one rule for exception types
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [3, np.int64(3)])
def test_integer_accepts_integers_and_returns_int(value):
    out = checks.integer(value, "n")
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", [True, 2.0, "2", None, np.float32(2)])
def test_integer_refuses_other_kinds_with_type_error(value):
    with pytest.raises(TypeError, match="n must be an integer"):
        checks.integer(value, "n")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(value=0), "n must be positive, got 0"),
        (dict(value=-1, minimum=0), "n must be at least 0, got -1"),
        (dict(value=7, minimum=None, maximum=5), "n must be at most 5, got 7"),
        (dict(value=6, minimum=1, maximum=5), "n must be between 1 and 5, got 6"),
    ],
)
def test_integer_range_errors_are_value_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        checks.integer(name="n", **kwargs)


def test_integer_bounds_are_inclusive():
    assert checks.integer(5, "n", minimum=1, maximum=5) == 5
    assert checks.integer(0, "n", minimum=0) == 0


@pytest.mark.parametrize("value", [0.5, 2, np.float32(1e-3)])
def test_positive_number_returns_float(value):
    out = checks.positive_number(value, "rate")
    assert out == pytest.approx(float(value)) and type(out) is float


@pytest.mark.parametrize(
    "value, error",
    [
        (True, TypeError),
        ("0.1", TypeError),
        (None, TypeError),
        (0.0, ValueError),
        (-0.1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
    ],
)
def test_positive_number_refuses(value, error):
    with pytest.raises(error, match="rate"):
        checks.positive_number(value, "rate")


def test_flag_accepts_only_booleans():
    assert checks.flag(np.bool_(True), "degrees") is True
    for value in (1, 0, "yes", None):
        with pytest.raises(TypeError, match="degrees must be True or False"):
            checks.flag(value, "degrees")


def test_finite_matrix_keeps_the_array_and_refuses_bad_shapes():
    x = np.ones((3, 2), dtype=np.float32)
    assert checks.finite_matrix(x, "x", "data") is x  # no copy
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        checks.finite_matrix(np.ones(3), "x", "data")
    with pytest.raises(ValueError, match="NaN"):
        checks.finite_matrix([[np.inf]], "x", "data")
    with pytest.raises(TypeError, match="x must be data"):
        checks.finite_matrix("abc", "x", "data")


def test_fit_inputs_keeps_float32_and_converts_others():
    x32 = np.zeros((4, 3), dtype=np.float32)
    assert checks.fit_inputs(x32, 1, 2, 0.1)[0] is x32
    x64 = np.zeros((4, 3))
    out, epochs, batch, rate = checks.fit_inputs(x64, 1, 2, 1)
    assert out.dtype == np.float32 and (epochs, batch, rate) == (1, 2, 1.0)


def test_linear_autoencoder_inputs_check_the_seed():
    with pytest.raises(ValueError, match="seed must be at least 0"):
        checks.linear_autoencoder_inputs(np.zeros((4, 3)), 2, -1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        checks.linear_autoencoder_inputs(np.zeros((4, 3)), 2, 1.5)


# --------------------------------------------------------------------------------------
# claims: strict in the build and tests, a note in a reader's session
# --------------------------------------------------------------------------------------


def test_a_claim_that_holds_is_silent(monkeypatch, capsys):
    for strict in ("", "1"):
        monkeypatch.setenv(claims.STRICT_ENV, strict)
        assert claims.check(np.array([1.0]) < 2, "one is below two", 1.0) is True
    assert capsys.readouterr() == ("", "")


def test_strict_mode_raises_with_the_claim_and_the_values(monkeypatch):
    monkeypatch.setenv(claims.STRICT_ENV, "1")
    with pytest.raises(claims.ClaimFailed) as info:
        claims.check(False, "every angle below one degree", 1.19, "below 1 deg")
    assert isinstance(info.value, AssertionError)  # what nbval and the build report
    text = str(info.value)
    assert "every angle below one degree" in text
    assert "1.19" in text and "below 1 deg" in text


@pytest.mark.parametrize("setting", [None, "", "0"])
def test_a_reader_gets_a_note_and_the_page_runs_on(monkeypatch, capsys, setting):
    if setting is None:
        monkeypatch.delenv(claims.STRICT_ENV, raising=False)
    else:
        monkeypatch.setenv(claims.STRICT_ENV, setting)
    assert claims.strict() is False
    assert claims.check(False, "every angle below one degree", 1.19, "0.35") is False
    out, err = capsys.readouterr()
    assert out == ""
    assert "does not hold in this run" in err
    assert "every angle below one degree" in err
    assert "the book's run: 0.35" in err and "this run: 1.19" in err
    assert "the page runs on" in err


def test_a_claim_needs_words(monkeypatch):
    monkeypatch.setenv(claims.STRICT_ENV, "1")
    for claim in ("", "   ", None, 3):
        with pytest.raises(TypeError, match="claim"):
            claims.check(True, claim)


def test_seed_is_the_default_unless_the_environment_sets_one(monkeypatch):
    monkeypatch.delenv(claims.SEED_ENV, raising=False)
    assert claims.seed(0) == 0
    monkeypatch.setenv(claims.SEED_ENV, " 7 ")
    assert claims.seed(0) == 7
    monkeypatch.setenv(claims.SEED_ENV, "")
    assert claims.seed(4) == 4
    monkeypatch.setenv(claims.SEED_ENV, "seven")
    with pytest.raises(ValueError, match="VAELIB_SEED must be an integer"):
        claims.seed(0)
    with pytest.raises(TypeError, match="default"):
        claims.seed(True)
