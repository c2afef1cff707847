"""The lint baseline only shrinks: each file pyproject.toml's per-file ignores name for the recipes and
the notebooks' text (what the version matrix hashes) still has every finding its entry ignores."""

import json
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from harness.normalize import REPO

pytestmark = pytest.mark.unit

RUFF = Path(sys.executable).parent / "ruff"  # the pinned one (requirements.lock)
IGNORES = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]["per-file-ignores"]
BASELINE = {path: set(codes) for path, codes in IGNORES.items() if path.startswith(("snippets/", "notebooks/"))}
BASELINE = {path: codes for path, codes in BASELINE.items() if "*" not in path}  # globs are settled rules


def test_every_baseline_entry_still_ignores_a_finding():
    assert BASELINE, "no baseline left: delete this test"
    proc = subprocess.run(
        [RUFF, "check", "--output-format", "json", "--config", "lint.per-file-ignores = {}", *BASELINE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = defaultdict(set)
    for finding in json.loads(proc.stdout):
        found[Path(finding["filename"]).relative_to(REPO).as_posix()].add(finding["code"])
    fixed = {path: sorted(codes - found[path]) for path, codes in BASELINE.items() if codes - found[path]}
    assert not fixed, f"fixed, so delete from pyproject.toml's baseline: {fixed}"
