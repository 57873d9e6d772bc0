"""Build a few chapters on their own, warnings as errors, to check them quickly.

    python scripts/preview.py chapters/03_vae.ipynb [more notebooks...]

Copies the book's configuration, the data page, the given notebooks and the glossary and
bibliography pages into a temporary folder, builds it with ``jupyter-book build -n -W
--keep-going`` (executing the notebooks on the backend KERAS_BACKEND names), prints
how long each notebook took against the book's limits (scripts/bench.py, for
information: the exit code is the build's) and where the HTML is. The landing page is
replaced by a stub, so links to chapters that are not built do not warn.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    notebooks = [Path(a).resolve() for a in argv]
    for nb in notebooks:
        if not nb.is_file():
            print(f"no such notebook: {nb}")
            return 2
    out = Path(tempfile.mkdtemp(prefix="book-preview-"))
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, out / name)
    (out / "chapters").mkdir()
    chapters = [ROOT / "chapters" / "00_mnist.ipynb"] + [
        nb for nb in notebooks if nb.name != "00_mnist.ipynb"
    ]
    for nb in chapters:
        shutil.copy(nb, out / "chapters" / nb.name)
    extra = []
    (out / "appendix").mkdir()
    for page in ("glossary.md", "bibliography.md"):
        if (ROOT / "appendix" / page).is_file():
            shutil.copy(ROOT / "appendix" / page, out / "appendix" / page)
            extra.append(f"appendix/{Path(page).stem}")
    (out / "intro.md").write_text("# Preview\n\nA partial build of the book.\n")
    toc = ["format: jb-book", "root: intro", "chapters:"]
    toc += [f"  - file: chapters/{nb.stem}" for nb in chapters]
    toc += [f"  - file: {page}" for page in extra]
    (out / "_toc.yml").write_text("\n".join(toc) + "\n")
    # vaelib is imported from the installed package (pip install -e .), as in the real
    # build, or from PYTHONPATH.
    build = out / "_build"
    cmd = ["jupyter-book", "build", str(out), "-n", "-W", "--keep-going"]
    print("+", " ".join(cmd), flush=True)
    rc = subprocess.call(cmd)
    subprocess.call([sys.executable, str(ROOT / "scripts" / "bench.py"), str(build)])
    print(f"HTML: {build / 'html'}  (exit code {rc})")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
