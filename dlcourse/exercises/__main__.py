"""Command line of the exercises: ``python -m dlcourse.exercises {student,list}``.

    python -m dlcourse.exercises student chapters --out student   # write student notebooks
    python -m dlcourse.exercises list                             # the registered checks

``student`` takes notebooks and directories (their ``*.ipynb``) and writes into ``--out`` the
student versions: every ``### BEGIN SOLUTION`` … ``### END SOLUTION`` block replaced by
``raise NotImplementedError()`` under a ``# YOUR CODE HERE`` prompt, outputs cleared, the rest
unchanged. Errors (a missing path, unbalanced markers) are printed on one line and give exit
status 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dlcourse.exercises",
        description="Exercises of the dlcourse chapters: student notebooks and checks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    student = commands.add_parser(
        "student", help="write student notebooks (solutions blanked, outputs cleared)"
    )
    student.add_argument("paths", nargs="+", help="notebooks, or directories of notebooks")
    student.add_argument("--out", required=True, help="output directory (created if needed)")
    commands.add_parser("list", help="list the registered exercise checks")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 on success, 2 on an error)."""
    args = _parser().parse_args(argv)
    if args.command == "list":
        from dlcourse.exercises import CHECKS

        width = max(len(exercise_id) for exercise_id in CHECKS)
        for exercise_id, exercise in CHECKS.items():
            chapter, name = exercise_id.split(".")
            print(
                f"{exercise_id:<{width}}  {chapter}.check_{name}: {exercise.summary} "
                f"({len(exercise.wrong_answers)} known wrong answers)"
            )
        return 0
    from dlcourse.exercises.generator import write_student_notebooks

    try:
        results = write_student_notebooks(args.paths, args.out)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for source, destination, blocks in results:
        print(f"{source} -> {destination} ({blocks} solution block{'s' * (blocks != 1)} replaced)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
