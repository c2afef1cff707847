"""The upstream guide's claims, each with a verdict and the checks that show it (errata.toml).

A claim's evidence is a place where this project's own checks show the behaviour:
  recorded = "slug/run"  [section = "..."]  contains = "..."
      a recipe run's recorded output (re-checked against a real run every test job);
  page = "errors/x.md"  contains = "..."
      an executed block (python or console) on that page.
`tests/test_errata.py` fails when evidence no longer says what the entry claims, so a verdict
cannot go stale silently. `render()` writes the errata page; the MkDocs hook publishes it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from harness.fences import DOCS, all_fences
from harness.normalize import REPO

ERRATA = REPO / "errata.toml"
VERDICTS = {"true": "True", "false": "False", "partly": "Partly true", "not-testable": "Not testable here"}
PAGE = "reference/upstream-guide-errata.md"


@dataclass
class Evidence:
    contains: str
    recorded: str = ""
    section: str = ""
    page: str = ""

    def problem(self) -> str | None:
        """None when this evidence still shows what it is cited for, else what is wrong."""
        if self.recorded:
            slug, run = self.recorded.split("/", 1)
            path = REPO / "snippets" / slug / "recorded" / f"{run}.txt"
            if not path.exists():
                return f"no recorded output {self.recorded}"
            text = path.read_text()
            if self.section:
                match = re.search(rf"--8<-- \[start:{re.escape(self.section)}\]\n(.*?)--8<-- \[end:", text, re.S)
                if not match:
                    return f"{self.recorded} has no section {self.section}"
                text = match.group(1)
            return None if self.contains in text else f"{self.recorded} no longer shows {self.contains!r}"
        if self.page:
            blocks = [f.code for f in all_fences() if f.id.startswith(self.page + ":")
                      and f.kind in ("python", "console")]
            if not blocks:
                return f"{self.page} has no executed block"
            return None if any(self.contains in b for b in blocks) else (
                f"no executed block on {self.page} shows {self.contains!r}")
        return "evidence names neither a recorded run nor a page"

    def link(self) -> str:
        """Relative link from the errata page to the page that shows this evidence."""
        page = self.page or _page_including(self.recorded)
        return f"[{page.removeprefix('errors/').removesuffix('.md')}](../{page})" if page else self.recorded


def _page_including(recorded: str) -> str:
    slug, run = recorded.split("/", 1)
    path = f"snippets/{slug}/recorded/{run}.txt"
    for fence in all_fences():
        if fence.kind == "include" and any(p.split(":")[0] == path for p in fence.included_paths):
            return str(fence.page.relative_to(DOCS))
    return ""


@dataclass
class Claim:
    id: str
    topic: str
    claim: str
    verdict: str
    finding: str
    evidence: list[Evidence] = field(default_factory=list)
    why_not_testable: str = ""


@dataclass
class Errata:
    topics: list[str]
    claims: list[Claim]


def load(path: Path = ERRATA) -> Errata:
    data = tomllib.loads(path.read_text())
    claims = [
        Claim(**{**c, "evidence": [Evidence(**e) for e in c.get("evidence", [])]})
        for c in data["claim"]
    ]
    return Errata(data["topics"], claims)


def render(errata: Errata) -> str:
    counts = {v: sum(c.verdict == v for c in errata.claims) for v in VERDICTS}
    lines = [
        "# The upstream guide, claim by claim",
        "",
        "DataFlow's testing troubleshooting guide (the text this site started from) makes the claims below.",
        "Each has a verdict from this site's own checks against kailash-dataflow 2.20.1, pytest-asyncio 1.5.0,",
        "asyncpg 0.32.0 and PostgreSQL 15, and links to the page where the check's output is shown. The",
        "test job re-checks every piece of evidence, so a verdict that stops being true fails the build.",
        "",
        " · ".join(f"**{VERDICTS[v]}**: {n}" for v, n in counts.items()) + f" · **Claims**: {len(errata.claims)}",
        "",
    ]
    for topic in errata.topics:
        claims = [c for c in errata.claims if c.topic == topic]
        lines += [f"## {topic}", "", "| Claim | Verdict | What the checks show | Shown on |", "|---|---|---|---|"]
        for c in claims:
            shown = ", ".join(dict.fromkeys(e.link() for e in c.evidence)) or c.why_not_testable
            lines.append(f"| {_cell(c.claim)} | {VERDICTS[c.verdict]} | {_cell(c.finding)} | {shown} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text for one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")
