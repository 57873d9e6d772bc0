"""The book's claims, checked after each run: strict in the build, a note for a reader.

Every number and statement in a chapter's prose is checked in a hidden cell with
:func:`check`, as a band that should hold on every backend and seed. What happens when
one does not hold depends on who runs the page:

- In the book build and the tests (``VAELIB_STRICT_CHECKS=1``, which ``.ci/run`` and
  the repository's ``conftest.py`` set) a failed claim raises :class:`ClaimFailed`, so
  the build or the test fails.
- In a reader's own session (Jupyter, Colab) it prints a short note, the claim, the
  published band and this run's value, and the page runs on: a reader who changes a
  seed, a width or ``beta`` is meant to see where the text stops being true.

:func:`seed` gives each page its seed from one place: the chapter's own default,
unless ``VAELIB_SEED`` says otherwise (CI's tests run on another seed than the build).
"""

from __future__ import annotations

import os
import sys

__all__ = ["ClaimFailed", "STRICT_ENV", "SEED_ENV", "strict", "check", "seed"]

STRICT_ENV = "VAELIB_STRICT_CHECKS"
SEED_ENV = "VAELIB_SEED"


class ClaimFailed(AssertionError):
    """A claim of the text does not hold in this run (strict mode only)."""


def strict() -> bool:
    """True when a failed claim must fail the run (the build and the tests)."""
    return os.environ.get(STRICT_ENV, "").strip() not in ("", "0")


def check(holds, claim: str, value=None, expected: str | None = None) -> bool:
    """Check one claim of the text; return whether it holds.

    ``holds`` is the test (anything with a truth value), ``claim`` what the text says,
    in a few words; ``value`` what this run measured and ``expected`` the band the
    published run meets. Raises :class:`ClaimFailed` in strict mode; otherwise prints a
    note to standard error and returns ``False``.
    """
    if not isinstance(claim, str) or not claim.strip():
        raise TypeError(f"claim must be a non-empty string, got {claim!r}")
    if bool(holds):
        return True
    lines = [f"The text says: {claim}"]
    if expected is not None:
        lines.append(f"  the book's run: {expected}")
    if value is not None:
        lines.append(f"  this run: {value}")
    if strict():
        raise ClaimFailed("\n".join(lines))
    lines.insert(0, "Note: a claim of the text does not hold in this run.")
    lines.append(
        "  Expected after you change the code, a setting or the seed; the page runs on."
    )
    print("\n".join(lines), file=sys.stderr)
    return False


def seed(default: int) -> int:
    """The page's seed: ``default``, unless the ``VAELIB_SEED`` variable sets one."""
    if isinstance(default, bool) or not isinstance(default, int):
        raise TypeError(f"default must be an integer, got {default!r}")
    text = os.environ.get(SEED_ENV, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{SEED_ENV} must be an integer, got {text!r}") from None
