"""The errata page: each upstream claim's verdict is computed from checks against real runs.

A typed verdict proves nothing by itself, so these tests hold it to the computed one, hold the
committed page to what errata.toml renders (`--update-recorded` rewrites it), and show that no
check is inert: flipping any single one changes the verdict or the page.
"""

import re
from dataclasses import replace

import pytest

from harness import updates
from harness.errata import PAGE, VERDICTS, Check, Claim, _cell, load, render
from harness.fences import DOCS
from harness.normalize import REPO
from harness.recipes import all_recipes

pytestmark = pytest.mark.unit

ERRATA = load()
IDS = [c.id for c in ERRATA.claims]
REFERENCE = REPO.parent / "shared" / "reference" / "000_308ef41c56957b50.txt"


@pytest.mark.parametrize("claim", ERRATA.claims, ids=IDS)
def test_checks_still_find_their_runs_and_text(claim):
    assert claim.verdict in VERDICTS
    assert claim.topic in ERRATA.topics
    if claim.verdict == "not-testable":
        assert claim.why_not_testable and not claim.checks
    else:
        assert claim.checks and not claim.why_not_testable, f"{claim.id}: a verdict needs checks"
        assert [c.problem() for c in claim.checks if c.problem()] == []


@pytest.mark.parametrize("claim", ERRATA.claims, ids=IDS)
def test_typed_verdict_is_the_computed_one(claim):
    assert claim.computed == claim.verdict, (
        f"{claim.id}: its checks make it {claim.computed!r}; review the finding, then the verdict"
    )


def test_every_check_points_at_a_real_run_section_or_page():
    runs = {run.id: run for recipe in all_recipes() for run in recipe.runs}
    missing = []
    for claim in ERRATA.claims:
        for check in claim.checks:
            if sum(map(bool, (check.run, check.recorded, check.page))) != 1:
                missing.append(f"{claim.id}: {check} names not exactly one run, recording or page")
            elif (check.run or check.recorded) and (check.run or check.recorded) not in runs:
                missing.append(f"{claim.id}: no run {check.run or check.recorded}")
            elif check.section and f"--8<-- [start:{check.section}]" not in (
                runs[check.recorded].recorded_path.read_text()
            ):
                missing.append(f"{claim.id}: {check.recorded} has no section {check.section}")
            elif check.page and not (DOCS / check.page).is_file():
                missing.append(f"{claim.id}: no page {check.page}")
    assert missing == []


def test_verdict_follows_from_the_checks():
    holds, fails = Check(claim=True, page="p.md"), Check(claim=False, page="p.md")
    verdict = lambda *checks: Claim("x", "t", "c", "", "f", list(checks)).computed  # noqa: E731
    assert [verdict(holds, holds), verdict(fails), verdict(holds, fails), verdict()] == [
        "true",
        "false",
        "partly",
        "not-testable",
    ]


def test_no_check_is_inert():
    """Flip one check at a time (true <-> false, or an outcome to one that changes its result):
    the claim's verdict or the rendered page must change."""
    page, inert = render(ERRATA), []
    for claim in ERRATA.claims:
        for number, check in enumerate(claim.checks):
            flipped = check.flipped()
            assert flipped.holds() != check.holds(), f"{claim.id}: check {number} did not flip"
            mutant = replace(claim, checks=[flipped if c is check else c for c in claim.checks])
            errata = replace(ERRATA, claims=[mutant if c is claim else c for c in ERRATA.claims])
            if mutant.computed == claim.computed and render(errata) == page:
                inert.append(f"{claim.id}: check {number}")
    assert inert == []


def test_committed_page_is_rendered_from_errata(update_recorded):
    rendered = render(ERRATA)
    if update_recorded:
        updates.register(PAGE, rendered, "errata page")  # written at the session's end
        return
    assert PAGE.exists() and PAGE.read_text() == rendered, (
        f"{PAGE.relative_to(REPO)} is stale: pytest tests/test_errata.py --update-recorded"
    )


def test_claim_ids_are_unique_and_every_topic_has_claims():
    assert len(IDS) == len(set(IDS))
    assert [t for t in ERRATA.topics if not any(c.topic == t for c in ERRATA.claims)] == []


def test_topics_follow_the_upstream_guide():
    """Its numbered sections are our topics, in order (read from the guide where it is at hand:
    CI has it beside the clone; elsewhere its numbering, Error 1-5 then Issue 6-10, is checked)."""
    numbered = [t.split(":")[0] for t in ERRATA.topics if t.startswith(("Error", "Issue"))]
    if REFERENCE.exists():
        expected = re.findall(r"^##+ ((?:Error|Issue) \d+)", REFERENCE.read_text(), re.M)
    else:
        expected = [f"Error {n}" for n in range(1, 6)] + [f"Issue {n}" for n in range(6, 11)]
    assert numbered == expected


def test_page_shows_every_claim_and_every_check():
    page = render(ERRATA)
    for claim in ERRATA.claims:
        assert _cell(claim.claim) in page
        assert all(_cell(check.describe()) in page for check in claim.checks)
