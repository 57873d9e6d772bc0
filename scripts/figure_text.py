"""Execute notebooks and measure every figure they show: its smallest text on a phone.

    python scripts/figure_text.py chapters/03_vae.ipynb [more notebooks]

Runs each notebook top to bottom with nbclient (on the backend KERAS_BACKEND names, from
the notebook's folder, as the book build does). Before the first cell it wraps the
kernel's display formatter, so that every matplotlib Figure the notebook displays or
glues is measured with ``vaelib.plots.phone_text_px`` on the figure itself (its real
text artists, its tight bounding box): the height of its smallest text when the book
shows it on a 390 px phone: in the text column (``PHONE_COLUMN_PX``), or, for a figure
drawn inside an exercise solution, in the dropdown's narrower box (``PHONE_BOX_PX``).
Prints one line per figure (cell, glue name if any, size, text px) and exits 1 if any
is below ``vaelib.plots.MIN_TEXT_PX``. Nothing is written
back to the notebook. Set VAELIB_FIT_CACHE to a folder to skip repeated training.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cell_times import solution_cells  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# Runs in the kernel before the notebook: records (glue name or None, width in inches,
# smallest text px) for every Figure that goes through IPython's display formatter.
PROBE = """
import sys as _ft_sys
_ft_sys.path.append(__ROOT__)
import json as _ft_json
import matplotlib.figure as _ft_figure
from vaelib import plots as _ft_plots
_ft_records = []
_ft_formatter = get_ipython().display_formatter
_ft_format = _ft_formatter.format
def _ft_measure(obj, *args, **kwargs):
    if isinstance(obj, _ft_figure.Figure) and id(obj) not in _ft_seen:
        _ft_seen.add(id(obj))
        _ft_records.append(
            {
                "width_in": round(float(obj.get_size_inches()[0]), 2),
                "text_px": round(float(_ft_plots.phone_text_px(obj)), 2),
                "text_px_box": round(
                    float(_ft_plots.phone_text_px(obj, _ft_plots.PHONE_BOX_PX)), 2
                ),
            }
        )
    return _ft_format(obj, *args, **kwargs)
_ft_seen = set()
_ft_formatter.format = _ft_measure
"""
REPORT = "print('FIGURE-TEXT ' + _ft_json.dumps(_ft_records)); _ft_records.clear()"


class MeasuringClient(NotebookClient):
    """nbclient, collecting the figures each code cell showed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.figures: list[dict] = []

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        if cell.cell_type == "code" and cell_index >= 0:
            probe = nbformat.v4.new_code_cell(REPORT)
            await super().async_execute_cell(probe, -1, *args, **kwargs)
            for out in probe.outputs:
                text = out.get("text", "")
                if text.startswith("FIGURE-TEXT "):
                    for rec in json.loads(text.split(" ", 1)[1]):
                        rec["cell"] = cell_index
                        rec["glue"] = glue_name(cell.source)
                        self.figures.append(rec)
        return result


def glue_name(source: str) -> str:
    """The first figure name a cell glues, if any (glue("name", fig ...))."""
    import re

    found = re.search(r"glue\(\s*[\"']([^\"']+)[\"']\s*,\s*fig", source)
    return found.group(1) if found else ""


def measure(path: Path) -> list[dict]:
    nb = nbformat.read(path, as_version=4)
    probe = PROBE.replace("__ROOT__", repr(str(ROOT)))
    nb.cells.insert(0, nbformat.v4.new_code_cell(probe))
    client = MeasuringClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    in_solutions = solution_cells(nbformat.read(path, as_version=4))
    for rec in client.figures:
        rec["cell"] -= 1  # the probe cell was inserted at index 0
        rec["in_solution"] = rec["cell"] in in_solutions
        # measured in the box the book shows it in: a solution's dropdown is narrower
        box_px = rec.pop("text_px_box")
        if rec["in_solution"]:
            rec["text_px"] = box_px
    return client.figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from vaelib import plots

    small = 0
    for path in args.notebooks:
        print(f"\n{path.name}")
        print(f"{'cell':>5} {'width':>6} {'text px':>8}  glued as")
        for rec in measure(path):
            flag = "" if rec["text_px"] >= plots.MIN_TEXT_PX else "  TOO SMALL"
            small += bool(flag)
            print(
                f"{rec['cell']:>5} {rec['width_in']:>5.2f}in {rec['text_px']:>8.2f}  "
                f"{rec['glue'] or ('(in a solution)' if rec['in_solution'] else '-')}"
                f"{flag}"
            )
    print(f"\n{small} figure(s) with text under {plots.MIN_TEXT_PX} px on a phone")
    return 1 if small else 0


if __name__ == "__main__":
    sys.exit(main())
