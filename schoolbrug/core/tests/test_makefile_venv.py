"""The Makefile's first step (`make .venv/bin/python`) in a throwaway copy: the venv it creates
runs Python 3.12 or newer, also from a shell where an older pyenv version's bin directory comes
first on PATH (as inside `pyenv exec`). Only the venv is made; nothing is downloaded."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings


def _pyenv_versions() -> tuple[Path, list[str]]:
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return Path(), []
    root = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=True).stdout.strip()
    bare = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True, check=True).stdout.split()
    return Path(root), [v for v in bare if re.fullmatch(r"3\.\d+\.\d+", v)]


def _minor(version: str) -> tuple[int, int]:
    major, minor, *_ = version.split(".")
    return int(major), int(minor)


PYENV_ROOT, PYENV_VERSIONS = _pyenv_versions()
OLD_VERSIONS = [
    v for v in PYENV_VERSIONS if _minor(v) < (3, 12) and (PYENV_ROOT / "versions" / v / "bin" / "python3").exists()
]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.skipif(
    not OLD_VERSIONS or not any(_minor(v) >= (3, 12) for v in PYENV_VERSIONS),
    reason="needs pyenv with a Python older than 3.12 and one of 3.12 or newer",
)
def test_venv_is_made_with_python_3_12_even_when_an_older_pyenv_version_is_first_on_path(tmp_path: Path) -> None:
    shutil.copy(Path(settings.BASE_DIR) / "Makefile", tmp_path / "Makefile")
    old_bin = PYENV_ROOT / "versions" / OLD_VERSIONS[-1] / "bin"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYENV_VERSION", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    # Like `pyenv exec` with an older version selected; pip must not reach for the network.
    env |= {"PATH": f"{old_bin}{os.pathsep}{env.get('PATH', '')}", "PIP_NO_INDEX": "1"}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # A bare `python3` in this shell is the older version.
    assert shutil.which("python3", path=env["PATH"]) == str(old_bin / "python3")

    make = shutil.which("make")
    assert make is not None
    made = subprocess.run(
        [make, "-s", ".venv/bin/python"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )

    assert made.returncode == 0, made.stdout + made.stderr
    venv_python = tmp_path / ".venv" / "bin" / "python"
    version = subprocess.run(
        [str(venv_python), "-c", "import sys; print(*sys.version_info[:2], sep='.')"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert _minor(version) >= (3, 12), (version, made.stdout)
    # What it says it used is what it used.
    assert f"Python {version}" in made.stdout, made.stdout
