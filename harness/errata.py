"""The upstream guide's claims and the checks that decide them (errata.toml).

A verdict typed by hand can be wrong, or go stale, with every test green. So each claim carries
checks whose results come from this project's own runs, and its verdict follows from them: every
check holds -> true, none -> false, some -> partly. A check is one of (errata.toml's header has more)
  run = "slug/run", claim = "passed"     the claim predicts the run's outcome in its recipe.toml,
                                         which the recipe tests hold to real runs;
  recorded = "slug/run", section, contains, claim = true|false
  page = "errors/x.md", contains, claim = true|false
                                         the text must be there; true: it is what the claim says,
                                         false: it contradicts the claim.
tests/test_errata.py holds the typed verdicts to the computed ones and the committed page to render().
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from harness.fences import DOCS, all_fences
from harness.normalize import REPO
from harness.recipes import OUTCOMES, Recipe, RecipeError, Run

ERRATA = REPO / "errata.toml"
VERDICTS = {"true": "True", "false": "False", "partly": "Partly true", "not-testable": "Not testable here"}
PAGE = DOCS / "reference" / "upstream-guide-errata.md"
ENDED = {
    "passed": "passed",
    "failed": "failed",
    "interrupted": "was interrupted",
    "internal-error": "ended in an internal error",
    "usage-error": "ended in a usage error",
    "no-tests": "collected no tests",
}


@cache
def _run(run_id: str) -> Run | None:
    """The run "slug/name" of a recipe.toml, None if there is no such run."""
    slug, _, name = run_id.partition("/")
    try:
        return next((r for r in Recipe.load(slug).runs if r.name == name), None)
    except RecipeError:
        return None


def _outcome(run_id: str) -> str | None:
    return run.outcome if (run := _run(run_id)) else None


def _ended(run_id: str) -> str:
    """The outcome of a run that problem() found in its recipe."""
    if (outcome := _outcome(run_id)) is None:
        raise ValueError(f"no run {run_id} in its recipe.toml")
    return outcome


@cache
def _executed_blocks(page: str) -> tuple[str, ...]:
    return tuple(f.code for f in all_fences() if f.id.startswith(page + ":") and f.kind in ("python", "console"))


@cache
def _pages() -> dict[tuple[str, str], str]:
    """(slug, run) -> the first page that shows the run's recording. Headings are left out: pages
    change them often, and each change would make the committed errata page stale."""
    from harness.compat import run_anchors

    return {run: anchor.split("#")[0] for run, anchor in run_anchors().items()}


@dataclass(frozen=True)
class Check:
    claim: bool | str  # text: true/false; run: the outcome the claim predicts
    run: str = ""
    recorded: str = ""
    section: str = ""
    page: str = ""
    contains: str = ""

    def problem(self) -> str | None:
        """None when the check's run, section or text is where it says, else what is wrong."""
        if sum(map(bool, (self.run, self.recorded, self.page))) != 1 or (self.run and self.contains):
            return "a check names one of: a run (and no text), a recorded run, a page"
        if self.run:
            if self.claim not in OUTCOMES:
                return f"{self.run}: claim {self.claim!r} is not an outcome ({', '.join(OUTCOMES)})"
            return None if _outcome(self.run) else f"no run {self.run} in its recipe.toml"
        if not isinstance(self.claim, bool) or not self.contains:
            return "a text check needs contains and claim = true or false"
        if self.recorded:
            if not (run := _run(self.recorded)):
                return f"no run {self.recorded} in its recipe.toml"
            text = run.recorded_path.read_text()
            if self.section:
                match = re.search(rf"--8<-- \[start:{re.escape(self.section)}\]\n(.*?)--8<-- \[end:", text, re.S)
                if not match:
                    return f"{self.recorded} has no section {self.section}"
                text = match.group(1)
            return None if self.contains in text else f"{self.recorded} no longer shows {self.contains!r}"
        if not (blocks := _executed_blocks(self.page)):
            return f"{self.page} has no executed block"
        return (
            None
            if any(self.contains in b for b in blocks)
            else (f"no executed block on {self.page} shows {self.contains!r}")
        )

    def holds(self) -> bool:
        return _outcome(self.run) == self.claim if self.run else self.claim is True

    def flipped(self) -> Check:
        """The same check with the opposite polarity: its result is the other one."""
        if not self.run:
            return replace(self, claim=not self.claim)
        actual = _ended(self.run)
        return replace(self, claim=("failed" if actual == "passed" else "passed") if self.holds() else actual)

    def link(self) -> str:
        """Relative link from the errata page to the page that shows this check's run or block."""
        slug, _, run = (self.run or self.recorded or "").partition("/")
        page = self.page or _pages().get((slug, run), "")
        return f"[{page.removeprefix('errors/').removesuffix('.md')}](../{page})" if page else ""

    def describe(self) -> str:
        """The result in words, with what it rests on."""
        result = "✔ holds" if self.holds() else "✘ does not hold"
        if self.run:
            seen = f"run `{self.run}` {ENDED[_ended(self.run)]}" + (
                "" if self.holds() else f" (the claim predicts: {self.claim})"
            )
        else:
            where = (
                f"`{self.recorded}`" + (f" {self.section}" if self.section else "")
                if self.recorded
                else "an executed block"
            )
            seen = f"{where} shows `{self.contains}`"
        return f"{result}: {seen}" + (f", on {link}" if (link := self.link()) else "")


@dataclass
class Claim:
    id: str
    topic: str
    claim: str
    verdict: str  # the reviewed expectation; tests hold it to `computed`
    finding: str
    checks: list[Check] = field(default_factory=list)
    why_not_testable: str = ""

    @property
    def computed(self) -> str:
        held = [c.holds() for c in self.checks]
        if not held:
            return "not-testable"
        return "true" if all(held) else "partly" if any(held) else "false"


@dataclass
class Errata:
    topics: list[str]
    claims: list[Claim]


def load(path: Path = ERRATA) -> Errata:
    data = tomllib.loads(path.read_text())
    claims = [Claim(**{**c, "checks": [Check(**e) for e in c.get("checks", [])]}) for c in data["claim"]]
    return Errata(data["topics"], claims)


def render(errata: Errata) -> str:
    counts = {v: sum(c.computed == v for c in errata.claims) for v in VERDICTS}
    lines = [
        "# The upstream guide, claim by claim",
        "",
        "<!-- Rendered from errata.toml by harness/errata.py; tests/test_errata.py checks it is current,",
        "     and `pytest tests/test_errata.py --update-recorded` rewrites it. -->",
        "",
        "DataFlow's testing troubleshooting guide (the text this site started from) makes the claims below.",
        "Each is decided by checks against this site's own runs, with kailash-dataflow 2.20.1,",
        "pytest-asyncio 1.5.0, asyncpg 0.32.0 and PostgreSQL 15. A check either predicts how a recipe run",
        "ends, or points at output a run recorded: output the claim describes, or output that contradicts",
        "it. The verdict follows: **True** when every check holds, **False** when none does, **Partly true**",
        "otherwise. The test job re-runs every recipe and re-reads every check, so a verdict cannot go",
        "stale silently.",
        "",
        " · ".join(f"**{VERDICTS[v]}**: {n}" for v, n in counts.items()) + f" · **Claims**: {len(errata.claims)}",
        "",
    ]
    for topic in errata.topics:
        lines += [f"## {topic}", "", "| Claim | Verdict | What the runs show | Checks |", "|---|---|---|---|"]
        for c in (c for c in errata.claims if c.topic == topic):
            checks = "<br>".join(_cell(k.describe()) for k in c.checks) or _cell(c.why_not_testable)
            lines.append(f"| {_cell(c.claim)} | {VERDICTS[c.computed]} | {_cell(c.finding)} | {checks} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text for one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")
