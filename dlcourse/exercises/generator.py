"""Write student notebooks: solutions replaced by a stub, outputs cleared, the rest unchanged.

Between the lines ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's markers) of a
reference notebook lies an exercise's answer. The student version replaces each such block,
markers included, by nbgrader's stub, indented like the ``BEGIN`` line::

    # YOUR CODE HERE
    raise NotImplementedError()

(``YOUR ANSWER HERE`` in a Markdown cell), and clears the outputs and execution counts of every
code cell. Everything else is kept byte for byte: the generator edits the notebook's JSON text
cell by cell, re-serialising (in nbformat's style: the cell's own key order, the file's
indentation, ``ensure_ascii=False``) only the cells it changes. Generating from a generated
notebook changes nothing.

Command line: ``python -m dlcourse.exercises student chapters --out student``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dlcourse._checks import check_in, describe

__all__ = [
    "BEGIN_SOLUTION",
    "CODE_STUB",
    "END_SOLUTION",
    "MarkerError",
    "TEXT_STUB",
    "notebook_paths",
    "strip_solutions",
    "student_notebook",
    "write_student_notebooks",
]

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = ("YOUR ANSWER HERE",)

_WHITESPACE = re.compile(r"[ \t\n\r]*")


class MarkerError(ValueError):
    """A ``BEGIN SOLUTION`` without its ``END SOLUTION``, or the reverse, or nested blocks."""


def strip_solutions(source: str, cell_type: str = "code", where: str = "cell") -> tuple[str, int]:
    """Replace every solution block of one cell's source by the stub.

    Args:
        source: the cell's source text.
        cell_type: ``"code"`` (stub ``# YOUR CODE HERE`` / ``raise NotImplementedError()``) or
            ``"markdown"`` (stub ``YOUR ANSWER HERE``). Default ``"code"``.
        where: how error messages name the cell, e.g. ``"chapters/03.ipynb, cell 12"``.

    Returns:
        ``(new_source, number_of_blocks_replaced)``; the source is unchanged when it has none.

    Raises:
        MarkerError: for an ``END`` without ``BEGIN``, a ``BEGIN`` inside a block, or a block
            that is never closed, naming the cell and the line.
    """
    check_in(cell_type, "cell_type", ("code", "markdown"))
    stub = CODE_STUB if cell_type == "code" else TEXT_STUB
    lines = source.split("\n")
    out: list[str] = []
    blocks, begin_line = 0, None
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            if begin_line is not None:
                raise MarkerError(
                    f"{where}: line {number} opens a solution block inside the "
                    f"one opened on line {begin_line} ({BEGIN_SOLUTION!r} twice)"
                )
            begin_line = number
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + text for text in stub)
        elif marker == END_SOLUTION:
            if begin_line is None:
                raise MarkerError(
                    f"{where}: line {number} has {END_SOLUTION!r} without a "
                    f"{BEGIN_SOLUTION!r} before it"
                )
            begin_line = None
            blocks += 1
        elif begin_line is None:
            out.append(line)
    if begin_line is not None:
        raise MarkerError(
            f"{where}: the solution block opened on line {begin_line} has no {END_SOLUTION!r}"
        )
    return ("\n".join(out), blocks) if blocks else (source, 0)


def _skip(text: str, i: int) -> int:
    return _WHITESPACE.match(text, i).end()


def _expect_char(text: str, i: int, char: str, where: str) -> None:
    if i >= len(text) or text[i] != char:
        raise ValueError(f"{where}: expected {char!r} at character {i} of the notebook JSON")


def _cell_spans(text: str, where: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of each cell object in the notebook's JSON text."""
    decoder = json.JSONDecoder()
    i = _skip(text, 0)
    _expect_char(text, i, "{", where)
    i += 1
    spans: list[tuple[int, int]] | None = None
    while True:
        i = _skip(text, i)
        if text[i] == "}":
            break
        key, i = decoder.raw_decode(text, i)
        i = _skip(text, i)
        _expect_char(text, i, ":", where)
        i = _skip(text, i + 1)
        if key == "cells":
            _expect_char(text, i, "[", where)
            i, spans = i + 1, []
            while True:
                i = _skip(text, i)
                if text[i] == "]":
                    i += 1
                    break
                _, end = decoder.raw_decode(text, i)
                spans.append((i, end))
                i = _skip(text, end)
                if text[i] == ",":
                    i += 1
        else:
            _, i = decoder.raw_decode(text, i)
        i = _skip(text, i)
        if text[i] == ",":
            i += 1
    if spans is None:
        raise ValueError(f"{where}: not a Jupyter notebook (no 'cells' list)")
    return spans


def _source_text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else source


def _student_cell(cell: dict[str, Any], where: str) -> tuple[dict[str, Any], int, bool]:
    """The student version of one cell: ``(cell, blocks replaced, changed?)``."""
    cell_type = cell.get("cell_type")
    changed, blocks = False, 0
    if cell_type in ("code", "markdown") and "source" in cell:
        old = _source_text(cell["source"])
        new, blocks = strip_solutions(old, cell_type, where)
        if blocks:
            # nbformat stores multi-line sources as a list of lines (str.splitlines(True)).
            cell["source"] = new.splitlines(True) if isinstance(cell["source"], list) else new
            changed = True
    if cell_type == "code":
        if cell.get("outputs") != []:
            cell["outputs"] = []
            changed = True
        if cell.get("execution_count", None) is not None or "execution_count" not in cell:
            cell["execution_count"] = None
            changed = True
    return cell, blocks, changed


def _dump_like(cell: dict[str, Any], text: str, start: int, end: int) -> str:
    """Serialise ``cell`` in the style of the original cell at ``text[start:end]``."""
    if "\n" not in text[start:end]:  # a notebook written on one line
        return json.dumps(cell, ensure_ascii=False)
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start] if not text[line_start:start].strip() else ""
    step = max(1, len(indent) // 2)  # the cells list sits two levels deep
    dumped = json.dumps(cell, indent=step, ensure_ascii=False, separators=(",", ": "))
    newline = "\r\n" if text[start:end].count("\r\n") else "\n"
    return dumped.replace("\n", newline + indent)


def student_notebook(text: str, name: str = "notebook") -> tuple[str, int]:
    """The student version of a notebook's JSON text.

    Args:
        text: the ``.ipynb`` file's content (nbformat 4).
        name: how error messages name the notebook. Default ``"notebook"``.

    Returns:
        ``(student_text, number_of_solution_blocks_replaced)``. Cells that need no change keep
        their exact bytes; so does everything outside the cells.

    Raises:
        TypeError: if ``text`` is not a string.
        ValueError: if ``text`` is not a notebook's JSON.
        MarkerError: for unbalanced or nested solution markers.
    """
    if not isinstance(text, str):
        raise TypeError(
            f"Argument `text` must be the notebook's JSON text (a str). Received: {describe(text)}"
        )
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name}: not valid notebook JSON ({exc})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"{name}: not a Jupyter notebook (no 'cells' list)")
    spans = _cell_spans(text, name)
    pieces, last, total = [], 0, 0
    for index, ((start, end), cell) in enumerate(zip(spans, notebook["cells"], strict=True)):
        cell, blocks, changed = _student_cell(cell, f"{name}, cell {index}")
        total += blocks
        if not changed:
            continue
        pieces += [text[last:start], _dump_like(cell, text, start, end)]
        last = end
    pieces.append(text[last:])
    return "".join(pieces), total


def notebook_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The notebooks named by ``paths`` (one path or several): files as given, directories'
    ``*.ipynb`` (sorted).

    Raises:
        FileNotFoundError: for a path that does not exist.
        ValueError: for a file that is not ``.ipynb``, or when no notebook is found.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.glob("*.ipynb") if p.is_file())
        elif path.is_file():
            if path.suffix != ".ipynb":
                raise ValueError(f"Expected a .ipynb notebook or a directory. Received: {path}")
            found.append(path)
        else:
            raise FileNotFoundError(f"No such notebook or directory: {path}")
    if not found:
        raise ValueError(f"No .ipynb notebooks found in {[str(p) for p in paths]}")
    return found


def write_student_notebooks(
    paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike
) -> list[tuple[Path, Path, int]]:
    """Write the student version of every notebook in ``paths`` into ``out_dir``.

    Args:
        paths: notebooks and directories of notebooks (their ``*.ipynb``), or one of them.
        out_dir: the output directory, created if needed; it must differ from every source
            notebook's directory (the reference notebooks are never overwritten).

    Returns:
        ``[(source, destination, solution blocks replaced), …]``.

    Raises:
        FileNotFoundError, ValueError, MarkerError: see :func:`notebook_paths` and
            :func:`student_notebook`; nothing is written when any notebook fails.
    """
    sources = notebook_paths(paths)
    out = Path(out_dir)
    for source in sources:
        if out.resolve() == source.parent.resolve():
            raise ValueError(
                f"Argument `out_dir` must differ from the notebooks' directory: "
                f"writing there would overwrite {source}. Received: out_dir={out}"
            )
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"Two notebooks would be written to the same file: {duplicates}")
    results = []
    for source in sources:
        text = source.read_bytes().decode("utf-8")
        student, blocks = student_notebook(text, str(source))
        results.append((source, out / source.name, blocks, student))
    out.mkdir(parents=True, exist_ok=True)
    for _, destination, _, student in results:
        destination.write_bytes(student.encode("utf-8"))
    return [(source, destination, blocks) for source, destination, blocks, _ in results]
