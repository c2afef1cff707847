"""The errata page: every upstream claim has a verdict, and its evidence still shows it."""

import re
import pytest

from harness.errata import VERDICTS, _cell, load, render
from harness.normalize import REPO

ERRATA = load()
REFERENCE = REPO.parent / "shared" / "reference" / "000_308ef41c56957b50.txt"


@pytest.mark.parametrize("claim", ERRATA.claims, ids=[c.id for c in ERRATA.claims])
def test_claim_is_still_shown_by_its_evidence(claim):
    assert claim.verdict in VERDICTS
    assert claim.topic in ERRATA.topics
    if claim.verdict == "not-testable":
        assert claim.why_not_testable and not claim.evidence
    else:
        assert claim.evidence, f"{claim.id}: a verdict needs evidence"
        assert [e.problem() for e in claim.evidence if e.problem()] == []


def test_claim_ids_are_unique_and_every_topic_has_claims():
    ids = [c.id for c in ERRATA.claims]
    assert len(ids) == len(set(ids))
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


def test_page_renders_every_claim():
    page = render(ERRATA)
    for claim in ERRATA.claims:
        assert _cell(claim.claim) in page
