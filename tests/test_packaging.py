"""The project's packaging: pyproject.toml and environment.yml agree, and the README's commands
are what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> tuple[str, str]:
    """``"NumPy >= 1.26, <3"`` → ``("numpy", ">=1.26,<3")``."""
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", requirement)
    assert match, f"unparsable requirement {requirement!r}"
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return name, match.group(3).replace(" ", "")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _environment_pip_requirements() -> list[str]:
    yaml = pytest.importorskip("yaml")
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip section"
    return pip_sections[0]


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = _pyproject()["project"]
    expected = dict(_normalise(r) for r in project["dependencies"])
    expected.update(_normalise(r) for r in project["optional-dependencies"]["tf"])
    pip_reqs = _environment_pip_requirements()
    assert "-e ." in pip_reqs, "environment.yml must install this repository (-e .)"
    listed = dict(_normalise(r) for r in pip_reqs if not r.startswith("-"))
    assert listed == expected


def test_environment_yml_uses_conda_forge_python_in_the_supported_range():
    yaml = pytest.importorskip("yaml")
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert len(pythons) == 1
    version = tuple(int(p) for p in re.findall(r"\d+", pythons[0])[:2])
    assert version >= (3, 10)
    assert _pyproject()["project"]["requires-python"] == ">=3.10"


def test_dependencies_are_ranges_not_pins():
    project = _pyproject()["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs.extend(extra)
    for req in reqs:
        assert "==" not in req, f"exact pin {req!r}: use a version range"


def test_tensorflow_extras_for_cpu_gpu_and_default():
    extras = _pyproject()["project"]["optional-dependencies"]
    assert _normalise(extras["tf"][0])[0] == "tensorflow"
    assert _normalise(extras["cpu"][0])[0] == "tensorflow-cpu"
    assert extras["gpu"][0].startswith("tensorflow[and-cuda]")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M), ".ci/run must call `make test`"
    assert "make test" in readme and "make lab" in readme


def test_make_lab_keeps_the_token_and_allows_root_only_as_root():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lab = re.search(r"^lab:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert lab, "Makefile needs a lab target"
    recipe = lab.group(1)
    assert (
        "token=''" not in recipe
        and 'token=""' not in recipe
        and "--IdentityProvider.token" not in recipe
    ), "make lab must never disable the token"
    assert "$(ROOT_FLAG)" in recipe
    assert re.search(
        r"ROOT_FLAG\s*:=\s*\$\(if \$\(filter 0,\$\(shell id -u\)\),--allow-root,\)", makefile
    )
