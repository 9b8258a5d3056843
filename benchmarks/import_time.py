"""Benchmark: how long ``import dlcourse`` takes in a fresh interpreter, and what it loads.

Target (DESIGN.md): under 0.3 s, and TensorFlow, Keras and matplotlib not imported. Each
measurement starts a new Python process (the best of ``--repeat``), so caches of this process
do not help; only the import statement itself is timed.

Usage: ``python benchmarks/import_time.py [--repeat 7]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _util import machine  # noqa: E402

PROBE = """
import json, sys, time
t = time.perf_counter()
import dlcourse
elapsed = time.perf_counter() - t
heavy = [m for m in ("tensorflow", "keras", "matplotlib", "sklearn", "ipywidgets")
         if m in sys.modules]
print(json.dumps({"seconds": elapsed, "heavy": heavy}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        out = subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(r["seconds"] for r in runs)
    heavy = sorted({m for r in runs for m in r["heavy"]})
    print(
        f"import dlcourse: best {best * 1e3:.0f} ms of {args.repeat} fresh interpreters "
        f"(target < 300 ms); {machine()}"
    )
    print(f"heavy modules loaded by it: {heavy or 'none'}")


if __name__ == "__main__":
    main()
