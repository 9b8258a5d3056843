"""Every chapter's student notebook runs to the end with its exercises blank.

The generator replaces each solution block with ``raise NotImplementedError``; later cells use the
package's reference, so the notebook must run to the end, with errors only in the exercise cells
and the check cells after them, and every blank exercise must make its check fail as "not
answered yet".
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from dlcourse.exercises.generator import student_notebook

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
BEGIN = "### BEGIN SOLUTION"

pytestmark = pytest.mark.skipif(not CHAPTERS, reason="no chapter notebooks yet")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_student_version_runs_with_errors_only_in_exercises(path, run_notebook, monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")  # as `make test` runs the chapters
    text = path.read_text(encoding="utf-8")
    reference = nbformat.reads(text, as_version=4)
    student = nbformat.reads(student_notebook(text)[0], as_version=4)
    student = run_notebook(student, path.parent, timeout=300)

    code = [i for i, c in enumerate(student.cells) if c.cell_type == "code"]
    exercises = [i for i in code if BEGIN in reference.cells[i].source]
    assert exercises, f"{path.name} has no exercise"
    checks = [code[code.index(i) + 1] for i in exercises]
    errors = {i: [o for o in student.cells[i].outputs if o.output_type == "error"] for i in code}
    stray = {i: errors[i][0].ename for i in code if errors[i] and i not in exercises + checks}
    assert not stray, f"errors outside exercise and check cells: {stray}"
    for i in checks:
        assert len(errors[i]) == 1, f"the check in cell {i} did not fail on a blank exercise"
        assert errors[i][0].ename == "AssertionError"
        assert "not answered yet" in errors[i][0].evalue
    assert all(student.cells[i].execution_count is not None for i in code)
