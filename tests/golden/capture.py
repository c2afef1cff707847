"""Store recipe runs for tests/test_recording_golden.py: what pytest printed and what the recorder
plugin wrote, with this machine's paths, ports and database names made placeholders.

    .venv/bin/python tests/golden/capture.py SLUG/RUN ...

Each run executes on a throwaway PostgreSQL (harness.database.base_url). Its recording, selected
from the stored copy, must equal snippets/<slug>/recorded/<run>.txt, or nothing is stored: a run
whose output varies between executions makes a poor fixture.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from harness import database
from harness.normalize import normalize, placeholders
from harness.recipe_record import extract
from harness.recipes import Recipe, execute

GOLDEN = Path(__file__).parent
TEMP = re.compile(r"/tmp/[\w.-]+")  # the run's records folder, a throwaway server's data folder


def machine_free(value, literals: dict[str, str]):
    """`value` (JSON data) with every string's machine-specific parts made placeholders."""
    if isinstance(value, str):
        return TEMP.sub("<tmp>", placeholders(value, literals))
    if isinstance(value, list):
        return [machine_free(item, literals) for item in value]
    if isinstance(value, dict):
        return {key: machine_free(item, literals) for key, item in value.items()}
    return value


def recording(stored: dict) -> str:
    """The recorded text of a stored run, as Result.recorded makes it."""
    text = extract(
        stored["output"], stored["logs"], stored["sections"], stored["records"], stored["stderr"], stored["warnings"]
    )
    return normalize(text) + "\n"


def capture(run_id: str, base) -> str:
    slug, name = run_id.split("/")
    run = Recipe.load(slug).run(name)
    result = execute(run, base)
    stored = machine_free(
        {
            "run": run_id,
            "logs": run.logs,
            "warnings": run.warnings,
            "sections": run.sections,
            "returncode": result.returncode,
            "output": result.output,
            "stderr": result.stderr,
            "records": result.records,
        },
        result.literals,
    )
    if (text := recording(stored)) != run.recorded_path.read_text():
        return f"{run_id}: not stored, its recording differs from {run.recorded_path.name}"
    stem = GOLDEN / f"{slug}--{name}"
    stem.with_suffix(".json").write_text(json.dumps(stored, indent=1) + "\n")
    stem.with_suffix(".txt").write_text(text)
    return f"{run_id}: stored"


if __name__ == "__main__":
    with database.base_url() as url:
        for run_id in sys.argv[1:]:
            print(capture(run_id, url))
