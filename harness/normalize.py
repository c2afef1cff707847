"""Make recorded output machine-independent: ports, paths, addresses, timings -> placeholders."""

from __future__ import annotations

import re
import site
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _path_placeholders() -> list[tuple[str, str]]:
    pairs = [(p, "<site-packages>") for p in site.getsitepackages()]
    pairs.append((sysconfig.get_paths()["stdlib"], "<python>"))
    pairs.append((str(REPO), "<repo>"))
    pairs.append((str(Path.home()), "<home>"))
    # Longest first, so a path inside another is replaced by its own placeholder.
    return sorted(((p, r) for p, r in pairs if p and p != "/"), key=lambda pr: -len(pr[0]))


# pytest prints paths relative to the project when that is shorter: ../../x/site-packages
RELATIVE_PATHS = [
    (re.compile(r"(?:\.\./)+[^\s:'\"]*?/site-packages"), "<site-packages>"),
    (re.compile(r"(?:\.\./)+[^\s:'\"]*?/lib/python3\.\d+"), "<python>"),
]
PATTERNS = [
    (re.compile(r"\x1b\[[0-9;]*m"), ""),  # terminal colours: DataFlow's errors carry them even with NO_COLOR
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "0x<addr>"),
    (re.compile(r" in \d+(\.\d+)?s( \(\d+:\d+:\d+\))?"), ""),  # pytest's "2 failed in 0.31s"
    (re.compile(r"\bpid[ =]\d+\b"), "pid <pid>"),
    (re.compile(r"(?<![\d-])-?\d{12,}(?!\d)"), "<id>"),  # id() of pools and loops, hashes
    (re.compile(r"/tmp/[\w.-]+"), "<tmp>"),
    # Kailash's query retries wait a random time (jitter): "Retrying in 0.83 seconds..."
    (re.compile(r"\bRetrying in \d+\.\d+ seconds"), "Retrying in <n> seconds"),
    # pytest pads its banners to the terminal width: "==== 1 passed in 9.9s ====" vs "=== ... 10.1s ===".
    (re.compile(r"(?m)^=+ (.+?) =+$"), r"=== \1 ==="),
    # Line numbers inside libraries change with every release; the file name is what helps.
    (re.compile(r"(<site-packages>/[\w/.-]+\.py|\b[\w.-]+\.py):\d+\b"), r"\1:<line>"),
]


def site_packages_of(python: str | Path) -> str:
    """Where a virtualenv's interpreter installs packages (a version matrix cell's)."""
    venv = Path(python).parent.parent
    return str(venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages")


def placeholders(text: str, literals: dict[str, str] | None = None) -> str:
    """Replace what names this machine and this run: paths, and the `literals` (exact strings ->
    placeholders: ports, database names, passwords). The first half of normalize(), and all of it
    that tests/golden/'s stored runs need to carry no machine's paths.

    Literal absolute paths are replaced together with the known ones, longest first, so another
    interpreter's site-packages below the repository is not taken for the repository."""
    literals = literals or {}
    paths = {k: v for k, v in literals.items() if k.startswith("/")}
    for pattern, placeholder in RELATIVE_PATHS:
        text = pattern.sub(placeholder, text)
    for path, placeholder in sorted([*_path_placeholders(), *paths.items()], key=lambda pr: -len(pr[0])):
        text = text.replace(path, placeholder)
    for literal, placeholder in sorted(
        ((k, v) for k, v in literals.items() if k not in paths), key=lambda kv: -len(kv[0])
    ):
        text = re.sub(rf"(?<![\w.]){re.escape(literal)}(?![\w])", placeholder, text)
    return text


def normalize(text: str, literals: dict[str, str] | None = None) -> str:
    """Replace what differs between machines and runs; `literals` maps exact strings to placeholders."""
    text = placeholders(text, literals)
    for pattern, placeholder in PATTERNS:
        text = pattern.sub(placeholder, text)
    # Escape-free, trailing-space-free lines keep the recorded files diff-friendly.
    return "\n".join(line.rstrip() for line in text.splitlines())
