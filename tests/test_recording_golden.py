"""Recordings selected from stored runs: extraction checked in a second, with no database.

tests/golden/ holds real recipe runs (tests/golden/capture.py stored them): pytest's output and what
the recorder plugin wrote, machine paths made placeholders, beside the recording they gave. Each
covers a kind of section: failures with exception chains and captured logs, passing tests' output
(-rP), live logs, the warnings summary, a pytest-xdist run, a collection error, a `--fixtures`
listing, a usage error and an internal error.
"""

import json
from pathlib import Path

import pytest

from golden.capture import recording
from harness.normalize import REPO

pytestmark = pytest.mark.unit  # stored runs: no database

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.json"))


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_a_stored_run_records_as_it_did(case):
    assert recording(json.loads(case.read_text())) == case.with_suffix(".txt").read_text()


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_a_stored_run_names_no_machine_path(case):
    text = case.read_text()
    assert str(REPO) not in text and str(Path.home()) not in text and "/tmp/" not in text


def test_every_kind_of_section_is_covered():
    recorded = "".join(case.with_suffix(".txt").read_text() for case in CASES)
    for kind in (
        "-log]",
        "[start:log]",
        "[start:warnings]",
        "[start:ERROR-collecting",
        "[start:fixtures-",
        "[start:usage-error]",
        "[start:internal-error]",
        "[start:setup-",
        "The above exception",
    ):
        assert kind in recorded, kind
