"""Execute every chapter and print a table of seconds and peak memory per notebook.

    python scripts/bench.py [--max-total SECONDS] [notebooks...]

Each notebook runs in a fresh kernel (nbclient, working directory chapters/, as the book
build runs it), in its own child process so that the kernel's peak resident memory can
be read back. Notebooks default to those listed in _toc.yml. Exits 1 if a notebook fails
or the total exceeds --max-total (default 600 s: the book must execute in 10 minutes on
2 CPU cores).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# The time each chapter may take on a quiet 2-core CPU (seconds), from its issue.
BUDGETS = {
    "00_mnist": 30,
    "01_generative_modelling": 150,
    "02_autoencoders_vs_pca": 180,
    "03_vae": 120,
    "04_latent_space": 90,
    "05_why_gans": 60,
}


def toc_notebooks() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [
        entry["file"]
        for part in toc.get("parts", [])
        for entry in part.get("chapters", [])
    ]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").is_file()]


def run_one(path: Path) -> dict:
    """Execute one notebook here; report seconds and the kernel's peak RSS (MiB)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except Exception as exc:  # report, do not hide
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(
        resource.RUSAGE_CHILDREN
    ).ru_maxrss  # the kernel, once reaped
    return {"seconds": seconds, "peak_mib": peak_kib / 1024, "error": error}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--max-total", type=float, default=600.0)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one.resolve())))
        return 0

    notebooks = [p.resolve() for p in args.notebooks] or toc_notebooks()
    env = dict(
        os.environ,
        TF_CPP_MIN_LOG_LEVEL="2",
        TF_ENABLE_ONEDNN_OPTS="0",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    rows, failed = [], False
    for path in notebooks:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(path)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )
        try:
            result = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            result = {
                "seconds": float("nan"),
                "peak_mib": float("nan"),
                "error": out.stderr.strip()[-300:],
            }
        rows.append((path.stem, result))
        failed |= result["error"] is not None

    total = sum(r["seconds"] for _, r in rows)
    width = max(len(name) for name, _ in rows + [("total", None)])
    print(
        f"{'notebook':<{width}}  {'seconds':>8}  {'budget':>7}  {'peak MiB':>9}  status"
    )
    for name, r in rows:
        budget = BUDGETS.get(name)
        status = (
            "FAILED: " + r["error"]
            if r["error"]
            else ("ok" if budget is None or r["seconds"] <= budget else "over budget")
        )
        print(
            f"{name:<{width}}  {r['seconds']:8.1f}  {budget if budget else '-':>7}  {r['peak_mib']:9.0f}  {status}"
        )
    print(
        f"{'total':<{width}}  {total:8.1f}  {args.max_total:7.0f}  "
        f"{max(r['peak_mib'] for _, r in rows):9.0f}  {'ok' if total <= args.max_total else 'OVER THE LIMIT'}"
    )
    print(f"({os.cpu_count()} CPU cores)")
    return 1 if failed or total > args.max_total else 0


if __name__ == "__main__":
    sys.exit(main())
