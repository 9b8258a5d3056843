"""House rules of the chapter notebooks, checked on their stored JSON (nbval re-runs them).

- each notebook is in sync with its jupytext script in chapters/scripts/;
- every code cell was executed, in order, and no stored output is an error;
- every section heading carries the documents' Chinese term in brackets;
- at least 60 % of the code cells with output are compared by nbval (no NBVAL_IGNORE_OUTPUT);
- cells are thin (the code belongs in dlcourse), and never call clear_output;
- Keras-style fit / evaluate / predict calls pass verbose, so no progress bar is stored;
- each exercise (### BEGIN SOLUTION … ### END SOLUTION) is followed by a check cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
MAX_CELL_LINES = 20
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.skipif(not CHAPTERS, reason="no chapter notebooks yet")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _code_cells(path: Path) -> list[dict]:
    return [c for c in _cells(path) if c["cell_type"] == "code" and _source(c).strip()]


def _ids(paths):
    return [p.stem for p in paths]


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_paired_script_is_in_sync(path):
    jupytext = pytest.importorskip("jupytext")
    script = ROOT / "chapters" / "scripts" / (path.stem + ".py")
    assert script.exists(), f"{path.name} has no paired script {script.relative_to(ROOT)}"
    from_script = [(c.cell_type, c.source.strip()) for c in jupytext.read(script).cells]
    from_notebook = [(c["cell_type"], _source(c).strip()) for c in _cells(path)]
    assert from_script == from_notebook, "run `make notebooks` (jupytext --sync) after editing"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_every_code_cell_ran_in_order_without_errors(path):
    counts = [c.get("execution_count") for c in _code_cells(path)]
    assert None not in counts, "some code cells were never executed: run `make notebooks`"
    assert counts == list(range(1, len(counts) + 1)), "cells were not run top to bottom once"
    for i, cell in enumerate(_code_cells(path)):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"code cell {i} stores an error"
            if out["output_type"] == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))
                assert "Traceback" not in text and "Warning" not in text, (
                    f"code cell {i} stores a warning or traceback on stderr: {text[:200]}"
                )


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_headings_carry_the_chinese_term(path):
    for cell in _cells(path):
        if cell["cell_type"] != "markdown":
            continue
        for line in _source(cell).splitlines():
            if re.match(r"^#{1,3} ", line):
                assert CJK.search(line), f"heading without its Chinese term: {line!r}"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_most_outputs_are_compared(path):
    with_output = [c for c in _code_cells(path) if c.get("outputs")]
    ignored = [
        c for c in with_output if "NBVAL_IGNORE_OUTPUT" in _source(c) or "NBVAL_SKIP" in _source(c)
    ]
    assert with_output, "a chapter should show outputs"
    compared = 1 - len(ignored) / len(with_output)
    assert compared >= 0.6, f"only {compared:.0%} of the outputs are compared by nbval"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_cells_are_thin_and_deterministic(path):
    for i, cell in enumerate(_code_cells(path)):
        src = _source(cell)
        lines = [ln for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        in_solution = "### BEGIN SOLUTION" in src
        assert in_solution or len(lines) <= MAX_CELL_LINES, (
            f"code cell {i} has {len(lines)} lines: move the code into dlcourse, with a test"
        )
        assert "clear_output" not in src, f"code cell {i}: update a display handle instead"
        for call in re.finditer(r"\.(fit|evaluate|predict)\(([^()]|\([^()]*\))*\)", src, re.S):
            assert "verbose" in call.group(0), (
                f"code cell {i}: {call.group(0)[:60]}… needs verbose=0 (no progress bars)"
            )


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_exercises_are_followed_by_a_check(path):
    cells = _cells(path)
    for i, cell in enumerate(cells):
        src = _source(cell)
        if "### BEGIN SOLUTION" not in src:
            continue
        assert src.count("### BEGIN SOLUTION") == src.count("### END SOLUTION") == 1, (
            f"cell {i}: one BEGIN/END SOLUTION pair per exercise cell"
        )
        following = [c for c in cells[i + 1 :] if c["cell_type"] == "code"][:1]
        assert following and "check" in _source(following[0]), (
            f"exercise in cell {i} is not followed by a check cell"
        )


def test_the_six_chapters_follow_the_documents_outline():
    numbers = [p.name[:2] for p in CHAPTERS]
    assert numbers == ["01", "02", "03", "04", "05", "06"], numbers


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_solution_markers_appear_only_in_nbgrader_exercise_cells(path):
    """nbgrader looks for its delimiters anywhere in a cell, so prose must not quote them, and
    each exercise cell carries the metadata that makes it an "Autograded answer"."""
    for i, cell in enumerate(_cells(path)):
        src = _source(cell)
        if "BEGIN SOLUTION" not in src and "END SOLUTION" not in src:
            continue
        assert cell["cell_type"] == "code", f"cell {i}: prose quotes a solution marker"
        lines = [ln.strip() for ln in src.splitlines()]
        assert lines.count("### BEGIN SOLUTION") == lines.count("### END SOLUTION") == 1, i
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        assert nbgrader.get("solution") is True, f"cell {i}: exercise without nbgrader metadata"
