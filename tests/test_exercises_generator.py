"""Tests of the student-notebook generator and its command line, and an end-to-end run of the
generated student notebook of the fixture (errors only in exercise and check cells)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dlcourse.exercises.__main__ import main
from dlcourse.exercises.generator import (
    MarkerError,
    notebook_paths,
    strip_solutions,
    student_notebook,
    write_student_notebooks,
)

FIXTURE = Path(__file__).parent / "fixtures" / "exercise_demo.ipynb"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def _text() -> str:
    return FIXTURE.read_bytes().decode("utf-8")


def _notebook(cells: list[nbformat.NotebookNode]) -> str:
    nb = nbformat.v4.new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    return nbformat.writes(nb) + "\n"


# ------------------------------------------------------------------------ strip_solutions


def test_block_is_replaced_by_the_indented_stub():
    source = (
        "def f(x):\n    '''doc'''\n    ### BEGIN SOLUTION\n    y = x + 1\n"
        "    return y\n    ### END SOLUTION\n\nprint(1)"
    )
    new, blocks = strip_solutions(source)
    assert blocks == 1
    assert new == (
        "def f(x):\n    '''doc'''\n    # YOUR CODE HERE\n"
        "    raise NotImplementedError()\n\nprint(1)"
    )


def test_two_blocks_and_a_markdown_block():
    source = f"{BEGIN}\na = 1\n{END}\nb = 2\n  {BEGIN}\n  c = 3\n  {END}"
    new, blocks = strip_solutions(source)
    assert blocks == 2
    assert new == (
        "# YOUR CODE HERE\nraise NotImplementedError()\nb = 2\n"
        "  # YOUR CODE HERE\n  raise NotImplementedError()"
    )
    text, blocks = strip_solutions(f"Why?\n\n{BEGIN}\nBecause.\n{END}\n", "markdown")
    assert (text, blocks) == ("Why?\n\nYOUR ANSWER HERE\n", 1)


def test_source_without_markers_is_returned_unchanged():
    source = "x = 1  # mentions ### BEGIN SOLUTION inside a line, which is no marker\n"
    assert strip_solutions(source) == (source, 0)


@pytest.mark.parametrize(
    ("source", "pattern"),
    [
        (
            f"{BEGIN}\na\n{BEGIN}\nb\n{END}",
            r"cell 3: line 3 opens a solution block inside the one "
            r"opened on line 1",
        ),
        (f"a\n{END}", r"cell 3: line 2 has '### END SOLUTION' without a '### BEGIN SOLUTION'"),
        (
            f"a\n  {BEGIN}\nb",
            r"cell 3: the solution block opened on line 2 has no "
            r"'### END SOLUTION'",
        ),
    ],
)
def test_unbalanced_markers_raise(source, pattern):
    with pytest.raises(MarkerError, match=pattern):
        strip_solutions(source, where="cell 3")


# ----------------------------------------------------------------------- student_notebook


def test_fixture_every_solution_replaced_and_outputs_cleared():
    reference = nbformat.reads(_text(), as_version=4)
    text, blocks = student_notebook(_text(), "demo")
    student = nbformat.reads(text, as_version=4)
    nbformat.validate(student)
    exercises = [i for i, c in enumerate(reference.cells) if BEGIN in c.source]
    assert blocks == len(exercises) == 4
    assert len(student.cells) == len(reference.cells)
    for i, (ref, new) in enumerate(zip(reference.cells, student.cells, strict=True)):
        assert new.metadata == ref.metadata and new.get("id") == ref.get("id")
        if i in exercises:
            assert BEGIN not in new.source and END not in new.source
            stub = (
                "    # YOUR CODE HERE\n    raise NotImplementedError()"
                if ref.cell_type == "code"
                else "YOUR ANSWER HERE"
            )
            assert stub in new.source
            before = ref.source.split(BEGIN)[0]
            assert new.source.startswith(before.rstrip(" "))  # the text before the block kept
        else:
            assert new.source == ref.source
        if new.cell_type == "code":
            assert new.outputs == [] and new.execution_count is None
    assert any(c.cell_type == "code" and c.outputs for c in reference.cells)  # there were some


def test_output_is_nbformats_own_serialisation():
    text, _ = student_notebook(_text())
    assert nbformat.writes(nbformat.reads(text, as_version=4)) + "\n" == text
    assert _text() == nbformat.writes(nbformat.reads(_text(), as_version=4)) + "\n"


def test_notebook_without_solutions_or_outputs_is_byte_identical():
    text = _notebook(
        [
            nbformat.v4.new_markdown_cell("# Title (标题)\n\nprose"),
            nbformat.v4.new_code_cell("x = 1\nprint(x)"),
        ]
    )
    assert student_notebook(text) == (text, 0)


def test_untouched_cells_keep_their_exact_bytes_in_any_formatting():
    """A notebook written by another tool (indent 2, unsorted keys, odd spacing)."""
    markdown = (
        '{"source": ["Intro \\u00e9 (中文)\\n", "more"],   "metadata": {"z": 1, "a": 2},'
        ' "cell_type": "markdown"}'
    )
    untouched = (
        '{\n      "cell_type": "code", "metadata": {}, "execution_count": null,\n'
        '      "outputs": [], "source": "y = 2"\n    }'
    )
    exercise = json.dumps(
        {
            "cell_type": "code",
            "metadata": {"k": "v"},
            "execution_count": 3,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}],
            "source": ["def f():\n", f"    {BEGIN}\n", "    return 1\n", f"    {END}"],
        },
        indent=2,
    )
    text = (
        '{\n  "nbformat": 4, "nbformat_minor": 5,\n  "cells": [\n    '
        + markdown
        + ",\n    "
        + untouched
        + ",\n    "
        + exercise.replace("\n", "\n    ")
        + '\n  ],\n  "metadata": {"kernelspec": {"name": "python3"}}\n}\n'
    )
    new, blocks = student_notebook(text)
    assert blocks == 1
    assert markdown in new and untouched in new
    assert new.startswith('{\n  "nbformat": 4, "nbformat_minor": 5,\n  "cells": [\n    ')
    assert new.endswith('\n  ],\n  "metadata": {"kernelspec": {"name": "python3"}}\n}\n')
    cell = json.loads(new)["cells"][2]
    assert list(cell) == ["cell_type", "metadata", "execution_count", "outputs", "source"]
    assert cell["source"] == [
        "def f():\n",
        "    # YOUR CODE HERE\n",
        "    raise NotImplementedError()",
    ]
    assert cell["outputs"] == [] and cell["execution_count"] is None
    assert '\n      "cell_type": "code",\n      "metadata": {\n        "k": "v"' in new
    assert student_notebook(new) == (new, 0)


def test_generation_is_idempotent():
    once, _ = student_notebook(_text())
    assert student_notebook(once) == (once, 0)


def test_marker_error_names_the_notebook_and_cell():
    text = _notebook(
        [
            nbformat.v4.new_markdown_cell("hi"),
            nbformat.v4.new_code_cell(f"def f():\n    {BEGIN}\n    return 1"),
        ]
    )
    with pytest.raises(
        MarkerError,
        match=r"^demo\.ipynb, cell 1: the solution block opened "
        r"on line 2 has no '### END SOLUTION'$",
    ):
        student_notebook(text, "demo.ipynb")


def test_bad_arguments():
    with pytest.raises(
        ValueError,
        match=r"Argument `cell_type` must be one of \['code', "
        r"'markdown'\]. Received: cell_type='raw'",
    ):
        strip_solutions("x", "raw")
    with pytest.raises(TypeError, match=r"Argument `text` must be the notebook's JSON text"):
        student_notebook(b"{}")


@pytest.mark.parametrize("text", ["not json", '{"metadata": {}}', "[1, 2]"])
def test_not_a_notebook_raises(text):
    with pytest.raises(ValueError, match=r"^nb: not"):
        student_notebook(text, "nb")


# --------------------------------------------------------------------- files and the CLI


def test_notebook_paths(tmp_path):
    (tmp_path / "b.ipynb").write_text("{}")
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("")
    assert notebook_paths([tmp_path]) == [tmp_path / "a.ipynb", tmp_path / "b.ipynb"]
    assert notebook_paths(str(tmp_path / "b.ipynb")) == [tmp_path / "b.ipynb"]  # one path
    with pytest.raises(FileNotFoundError, match="No such notebook or directory: .*missing"):
        notebook_paths([tmp_path / "missing"])
    with pytest.raises(ValueError, match=r"Expected a \.ipynb notebook.*notes\.txt"):
        notebook_paths([tmp_path / "notes.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="No .ipynb notebooks found in .*empty"):
        notebook_paths([tmp_path / "empty"])


def test_cli_student_writes_the_notebooks(tmp_path, capsys):
    assert main(["student", str(FIXTURE.parent), "--out", str(tmp_path / "student")]) == 0
    written = tmp_path / "student" / FIXTURE.name
    assert written.read_text(encoding="utf-8") == student_notebook(_text())[0]
    assert capsys.readouterr().out == f"{FIXTURE} -> {written} (4 solution blocks replaced)\n"
    assert main(["student", str(written), "--out", str(tmp_path / "again")]) == 0
    assert (tmp_path / "again" / FIXTURE.name).read_bytes() == written.read_bytes()


def test_cli_errors_write_nothing(tmp_path, capsys):
    bad = tmp_path / "src" / "bad.ipynb"
    bad.parent.mkdir()
    bad.write_text(_notebook([nbformat.v4.new_code_cell(f"{END}")]), encoding="utf-8")
    shutil.copy(FIXTURE, bad.parent / "good.ipynb")
    out = tmp_path / "out"
    assert main(["student", str(bad.parent), "--out", str(out)]) == 2
    assert "error: " in capsys.readouterr().err and not out.exists()
    assert main(["student", str(tmp_path / "missing.ipynb"), "--out", str(out)]) == 2
    assert "No such notebook or directory" in capsys.readouterr().err
    good = bad.parent / "good.ipynb"
    before = good.read_bytes()
    assert main(["student", str(good), "--out", str(bad.parent)]) == 2
    assert "must differ from the notebooks' directory" in capsys.readouterr().err
    assert good.read_bytes() == before
    (tmp_path / "other").mkdir()
    shutil.copy(FIXTURE, tmp_path / "other" / "good.ipynb")
    with pytest.raises(ValueError, match=r"same file: \['good\.ipynb'\]"):
        write_student_notebooks([good, tmp_path / "other"], out)
    assert not out.exists()


def test_cli_list(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 15
    assert any(line.startswith("ch3.sigmoid") and "ch3.check_sigmoid" in line for line in lines)


def test_module_runs_as_a_program(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dlcourse.exercises",
            "student",
            str(FIXTURE),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / FIXTURE.name).exists()


# ------------------------------------------------------------------ executing the notebooks


def test_student_notebook_runs_to_the_end_with_errors_only_in_exercises(tmp_path, run_notebook):
    reference = nbformat.reads(_text(), as_version=4)
    student = nbformat.reads(student_notebook(_text())[0], as_version=4)
    student = run_notebook(student, tmp_path)
    code = [i for i, c in enumerate(student.cells) if c.cell_type == "code"]
    exercises = [i for i in code if BEGIN in reference.cells[i].source]
    checks = [code[code.index(i) + 1] for i in exercises]
    assert len(exercises) == 3 and all("check_" in student.cells[i].source for i in checks)
    errors = {i: [o for o in student.cells[i].outputs if o.output_type == "error"] for i in code}
    assert all(not errors[i] for i in code if i not in exercises + checks), errors
    for i in checks:  # every blank exercise makes its check fail, as not answered
        assert len(errors[i]) == 1
        assert errors[i][0].ename == "AssertionError"
        assert "not answered yet" in errors[i][0].evalue
    assert all(student.cells[i].execution_count is not None for i in code)  # ran to the end


def test_reference_fixture_runs_without_errors_and_reproduces_its_outputs(tmp_path, run_notebook):
    reference = nbformat.reads(_text(), as_version=4)
    executed = run_notebook(nbformat.reads(_text(), as_version=4), tmp_path)
    for stored, fresh in zip(reference.cells, executed.cells, strict=True):
        if stored.cell_type == "code":
            assert not [o for o in fresh.outputs if o.output_type == "error"]
            assert fresh.outputs == stored.outputs
