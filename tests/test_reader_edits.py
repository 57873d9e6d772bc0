"""A reader who changes what the text invites them to change sees the page run on.

Each test makes one edit a reader might make, runs the whole page in a kernel the way a
reader's Jupyter or Colab session does (no strict checks, so a claim that no longer
holds prints a note), and checks that every cell ran and that the notes name the claims
the edit broke. The build and the notebook tests run the same pages strictly.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from vaelib import claims

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def run_edited(name: str, old: str, new: str, monkeypatch) -> nbformat.NotebookNode:
    nb = nbformat.read(CHAPTERS / name, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
    assert len(cells) == 1, f"the line to edit is not (once) in {name}: {old!r}"
    cells[0].source = cells[0].source.replace(old, new)
    monkeypatch.setenv(claims.STRICT_ENV, "0")  # the kernel inherits it: a reader's run
    monkeypatch.delenv(claims.SEED_ENV, raising=False)
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": CHAPTERS}},
    ).execute()  # raises CellExecutionError if any cell fails
    return nb


def notes(nb) -> list[str]:
    return [
        out.text
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("name") == "stderr" and "does not hold in this run" in out.text
    ]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_chapter_2_with_three_epochs_runs_to_the_end_with_notes(monkeypatch):
    # The text invites it: "Does the schedule decide when? Change LINEAR_EPOCHS".
    nb = run_edited(
        "02_autoencoders_vs_pca.ipynb",
        "LINEAR_EPOCHS, LINEAR_BATCH, LINEAR_LR = 20, 500, 0.01",
        "LINEAR_EPOCHS, LINEAR_BATCH, LINEAR_LR = 3, 500, 0.01",
        monkeypatch,
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "every code cell ran"
    found = notes(nb)
    # Three epochs cannot bring the 30-number code within one degree of PCA.
    assert any("k = 30: the angle ends below 1 deg" in n for n in found), found
    assert all("the page runs on" in n and "this run:" in n for n in found)
