"""scripts/figure_text.py measures the figures a notebook shows, on each figure."""

import nbformat
import pytest
from conftest import load_script

figure_text = load_script("figure_text")

CELLS = [
    "import matplotlib.pyplot as plt\n"
    "def glue(name, value, display=True):\n"
    "    from IPython.display import display as show\n"
    "    show(value)",
    # a wide figure with small text: glued, then closed
    "fig, ax = plt.subplots(figsize=(10, 3))\n"
    "ax.set_title('wide', fontsize=8)\n"
    "glue('fig_wide', fig)\n"
    "plt.close(fig)",
    # a narrow one, shown by the inline backend at the end of the cell
    "fig, ax = plt.subplots(figsize=(3, 2))\nax.set_title('narrow', fontsize=10)",
    "x = 1  # no figure",
]
# the wide figure again, drawn inside a gated solution: shown in a narrower box
SOLUTION = [
    ("markdown", "```{solution-start} ex\n:class: dropdown\n```"),
    ("code", CELLS[1].replace("fig_wide", "fig_in_solution")),
    ("markdown", "Done.\n\n```{solution-end}\n```"),
]


def figure_text_box_ratio() -> float:
    from vaelib import plots

    return plots.PHONE_BOX_PX / plots.PHONE_COLUMN_PX


def test_every_shown_figure_is_measured(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS] + [
        nbformat.v4.new_markdown_cell(src)
        if kind == "markdown"
        else nbformat.v4.new_code_cell(src)
        for kind, src in SOLUTION
    ]
    path = tmp_path / "figures.ipynb"
    nbformat.write(nb, path)
    records = figure_text.measure(path)
    assert [(r["cell"], r["glue"], r["in_solution"]) for r in records] == [
        (1, "fig_wide", False),
        (2, "", False),
        (5, "fig_in_solution", True),
    ]
    wide, narrow, in_solution = records
    # 8 pt (11.1 px at 100 dpi) in a figure cropped to 8-10 in, shrunk to a 358 px
    # column; 10 pt at 100 dpi in a figure narrower than the column: 13.89 px
    assert wide["width_in"] == 10.0 and 4.3 < wide["text_px"] < 5.6
    assert narrow["text_px"] == 13.89
    # the same figure in a solution's box (PHONE_BOX_PX) instead of the text column
    box = figure_text_box_ratio()
    assert in_solution["text_px"] == pytest.approx(wide["text_px"] * box, rel=0.01)
    monkeypatch.setattr(figure_text, "measure", lambda p: records)
    assert figure_text.main([str(path)]) == 1
    monkeypatch.setattr(figure_text, "measure", lambda p: [narrow])
    assert figure_text.main([str(path)]) == 0
