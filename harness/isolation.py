"""`./dev isolation`: what isolating DataFlow tests from each other costs, strategy by strategy.

Each strategy is the recommended project (snippets/fixture-patterns/recommended: conftest.py,
pytest.ini, app.py) with the files of isolation/strategies/<name>/ laid over it. Every strategy runs
the same tests, isolation/test_customers.py with isolation/steps.py, N of them (`--tests N`), in one
pytest process per strategy, one strategy after another, against one throwaway server, each on a
database of its own. A test first lists the customers DataFlow can see (the isolation check: an
earlier test's row must not be there), then creates, reads, updates and lists one of its own.
isolation/probe.py tries DataFlow's cleanup_test_tables() on the same app.
The figures go to isolation/last-run.json, isolation/figures.md and isolation/verdicts.md, which
docs/guides/isolation-cost.md includes, and to the page's plot; `--render` only re-renders them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

from harness import load, pgserver
from harness.dburl import DatabaseURL
from harness.guards import is_test_database
from harness.normalize import REPO, normalize
from harness.recipes import OUTCOME_LINE, scrubbed_environ

OUT = REPO / "isolation"
STRATEGY_DIR = OUT / "strategies"
LAST_RUN, FIGURES, VERDICTS = OUT / "last-run.json", OUT / "figures.md", OUT / "verdicts.md"
PLOT = REPO / "docs" / "guides" / "isolation-cost.png"
DEFAULT_TESTS, SAMPLE_SECONDS = 200, 0.5
# In the order they run. recommended is the fixture patterns page's project, unchanged; the others
# lay isolation/strategies/<name>/ over it.
STRATEGIES = ("recommended", "per-test", "session-rollback", "template")
REFERENCE = "recommended"
ISOLATION_PROPERTY = "customers_seen"  # test_customers.py records how many customers a test found first
PACKAGES = ("pytest", "pytest-asyncio", "kailash-dataflow", "kailash", "asyncpg")

STEPS, TESTS, PROBE = OUT / "steps.py", OUT / "test_customers.py", OUT / "probe.py"


def strategy_files(strategy: str) -> dict[str, Path]:
    """The recommended project's files (not its tests), overlaid by the strategy's own."""
    files = load.loaded_files()
    folder = STRATEGY_DIR / strategy
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[str(path.relative_to(folder))] = path
    return files


def inputs_digest() -> str:
    """What the figures depend on besides the versions: every strategy's files and how the tests
    are made. A change to either makes the recorded run stale (tests/test_isolation.py)."""
    digest = hashlib.sha256()
    for strategy in STRATEGIES:
        digest.update(strategy.encode() + b"\0")
        for name, source in strategy_files(strategy).items():
            digest.update(name.encode() + b"\0" + source.read_bytes() + b"\0")
    for path in (STEPS, TESTS, PROBE):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(ISOLATION_PROPERTY.encode())
    return digest.hexdigest()[:16]


def write_project(folder: Path, strategy: str) -> None:
    """The strategy's files, the steps, and the tests in tests/ (ISOLATION_TESTS says how many)."""
    for name, source in strategy_files(strategy).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(source.read_bytes())
    (folder / STEPS.name).write_bytes(STEPS.read_bytes())
    (folder / "tests").mkdir(exist_ok=True)  # a strategy may bring a tests/conftest.py
    (folder / "tests" / TESTS.name).write_bytes(TESTS.read_bytes())


def run_pytest(
    folder: Path, url: DatabaseURL, tests: int, timeout: float, label: str = ""
) -> tuple[int | None, list[str]]:
    """pytest in `folder` with a JUnit report; killed after `timeout` (returncode None)."""
    env = scrubbed_environ(
        TEST_DATABASE_URL=str(url), ISOLATION_TESTS=str(tests), PYTHONDONTWRITEBYTECODE="1", PY_COLORS="0", NO_COLOR="1"
    )
    # xunit1: JUnit reports keep record_property's properties without a warning about them.
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "--tb=line",
        "-rN",
        "--color=no",
        "--junitxml=junit.xml",
        "-o",
        "junit_family=xunit1",
    ]
    progress = (
        (lambda done, seconds: print(f"dev isolation: {label}: {done:3d}% done, {seconds:.0f}s", flush=True))
        if label
        else None
    )
    return load.stream_pytest(command, folder, env, timeout, step=25, progress=progress)


@dataclass
class Outcome:
    times: list[float]
    failed: int  # tests with a failure or an error
    isolation_failures: int  # tests that found an earlier test's customers
    unchecked: int  # tests whose isolation check did not run (their setup or the listing failed)
    other_failures: int  # failed tests that did not fail on isolation
    first_other_failure: str

    @property
    def isolates(self) -> bool | None:
        """True: every test checked, none saw another's row. False: one did. None: not known."""
        if self.isolation_failures:
            return False
        return None if self.unchecked or not self.times else True


def outcome_of(junit: Path, literals: dict[str, str]) -> Outcome:
    """What the JUnit report says; `literals` (this run's folder, port...) are normalized away."""
    times, failed, isolation, unchecked, other, first = [], 0, 0, 0, 0, ""
    for case in ET.parse(junit).iter("testcase"):
        times.append(float(case.get("time", 0)))
        seen = [p.get("value", "") for p in case.iter("property") if p.get("name") == ISOLATION_PROPERTY]
        if not seen:
            unchecked += 1
        elif int(seen[0]) > 0:
            isolation += 1
        problems = [p for p in case if p.tag in ("failure", "error")]
        if problems:
            failed += 1
            if not (seen and int(seen[0]) > 0):
                other += 1
                if not first:
                    head = (problems[0].get("message") or problems[0].text or "").strip().splitlines()
                    first = normalize(head[0] if head else problems[0].tag, literals)[:200]
    return Outcome(times, failed, isolation, unchecked, other, first)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def p95(values: list[float]) -> float:
    return sorted(values)[math.ceil(0.95 * len(values)) - 1] if values else 0.0  # nearest rank


def run_strategy(strategy: str, url: DatabaseURL, tests: int, server=None, label: str = "") -> dict:
    """The strategy's project with `tests` generated tests, run by pytest against `url` (a fresh,
    empty database). With `server` (ours), connections are sampled and counted after the run."""
    with tempfile.TemporaryDirectory(prefix=f"dev-isolation-{strategy}-") as tmp:
        folder = Path(tmp)
        write_project(folder, strategy)
        sampler = load.PeakClients(server, every=SAMPLE_SECONDS) if server else None
        if sampler:
            sampler.start()
        began = time.perf_counter()
        timeout = 120 + 2.0 * tests  # several times a healthy run: a hang must not block forever
        returncode, lines = run_pytest(folder, url, tests, timeout, label)
        wall = time.perf_counter() - began
        if sampler:
            sampler.done.set()
            sampler.join(5)
        if returncode is None:
            raise RuntimeError(
                f"{strategy}: pytest did not finish within {timeout:.0f}s; killed. "
                "Last lines:\n" + "\n".join(lines[-15:])
            )
        if not (folder / "junit.xml").exists():
            raise RuntimeError(
                f"{strategy}: pytest exited {returncode} without running the tests:\n" + "\n".join(lines[-15:])
            )
        literals = {tmp: "<project>", str(folder.resolve()): "<project>", str(url.port): "<port>"}
        if url.password:
            literals[url.password] = "***"
        result = outcome_of(folder / "junit.xml", literals)
    figures = {
        "strategy": strategy,
        "tests": len(result.times),
        "passed": len(result.times) - result.failed,
        "failed": result.failed,
        "isolation_failures": result.isolation_failures,
        "isolation_unchecked": result.unchecked,
        "other_failures": result.other_failures,
        "first_other_failure": result.first_other_failure,
        "isolates": result.isolates,
        "pytest_exit": returncode,
        "outcome": next((m.group(1) for m in map(OUTCOME_LINE.match, reversed(lines)) if m), ""),
        "wall_seconds": round(wall, 1),
        "per_test_median_seconds": round(median(result.times), 4),
        "per_test_p95_seconds": round(p95(result.times), 4),
    }
    if server and sampler:  # a sampler exactly when a server
        figures["peak_client_backends"] = sampler.peak
        figures["client_backends_left"] = int(server.psql(load.CLIENTS))  # pytest has exited
        others = server.psql(f"SELECT count(*) FROM pg_database WHERE datname LIKE '{url.database}\\_%'")
        figures["databases_left"] = int(others)  # the template strategy's copies, if any survived
    return figures


def probe_cleanup_test_tables(url: DatabaseURL) -> dict:
    """Run probe.py in a copy of the recommended project against `url`; what it printed, as a dict."""
    with tempfile.TemporaryDirectory(prefix="dev-isolation-probe-") as tmp:
        for name, source in load.loaded_files().items():
            Path(tmp, name).write_bytes(source.read_bytes())
        Path(tmp, PROBE.name).write_bytes(PROBE.read_bytes())
        env = scrubbed_environ(TEST_DATABASE_URL=str(url), PYTHONDONTWRITEBYTECODE="1")
        proc = subprocess.run(
            [sys.executable, PROBE.name],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"the cleanup_test_tables() probe failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def database_name(strategy: str) -> str:
    name = f"{pgserver.TEST_DATABASE}_{strategy.replace('-', '_')}"
    assert is_test_database(name), name
    return name


def create_database(server, name: str) -> DatabaseURL:
    server.psql(f'CREATE DATABASE "{name}" OWNER {pgserver.TEST_USER}')
    return server.url(database=name)


def drop_database(server, name: str) -> None:
    if not is_test_database(name):
        raise ValueError(f"refusing to drop {name!r}: 'test' is not a word of its name")
    server.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(tests: int) -> dict:
    server = pgserver.start()
    try:
        print(
            f"dev isolation: {len(STRATEGIES)} strategies, {tests} tests each, one after another; this takes minutes",
            flush=True,
        )
        began = time.perf_counter()
        strategies = []
        for strategy in STRATEGIES:
            name = database_name(strategy)
            url = create_database(server, name)
            try:
                figures = run_strategy(strategy, url, tests, server=server, label=strategy)
            finally:
                drop_database(server, name)
            print(
                f"dev isolation: {strategy}: {figures['outcome']}, median "
                f"{figures['per_test_median_seconds']:.3f}s, isolates: {figures['isolates']}",
                flush=True,
            )
            strategies.append(figures)
        name = database_name("probe")
        try:
            probe = probe_cleanup_test_tables(create_database(server, name))
        finally:
            drop_database(server, name)
        total = time.perf_counter() - began
        return {
            "command": "./dev isolation" + ("" if tests == DEFAULT_TESTS else f" --tests {tests}"),
            "date": date.today().isoformat(),
            "cpus": os.cpu_count(),
            "max_connections": int(server.psql("SHOW max_connections")),
            "tests_per_strategy": tests,
            "total_seconds": round(total, 1),
            "strategies": strategies,
            "cleanup_test_tables": probe,
            "versions": {
                **{name: version(name) for name in PACKAGES},
                "python": sys.version.split()[0],
                "postgresql": server.psql("SHOW server_version").split()[0],
            },
            "inputs": inputs_digest(),
        }
    finally:
        server.stop()


# --- rendering ---------------------------------------------------------------------------------


def by_name(run: dict) -> dict[str, dict]:
    return {s["strategy"]: s for s in run["strategies"]}


def fastest_isolating(run: dict) -> dict | None:
    isolating = [s for s in run["strategies"] if s["isolates"] is True]
    return min(isolating, key=lambda s: s["per_test_median_seconds"]) if isolating else None


def verdict(s: dict) -> str:
    return {True: "yes", False: "**no**", None: "not shown"}[s["isolates"]]


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def ratio_sentence(run: dict) -> str:
    reference, fastest = by_name(run)[REFERENCE], fastest_isolating(run)
    if fastest is None:
        return "No strategy passed every isolation check in this run."
    median = reference["per_test_median_seconds"]
    if fastest["strategy"] == REFERENCE:
        others = [s for s in run["strategies"] if s["isolates"] is True and s is not reference]
        text = (
            f"The recommended fixture was the fastest strategy whose every test passed its isolation "
            f"check (median {seconds(median)} a test)."
        )
        if others:
            text += (
                " The other strategies that isolated took "
                + ", ".join(
                    f"{s['per_test_median_seconds'] / median:.1f} times as long (`{s['strategy']}`, "
                    f"{seconds(s['per_test_median_seconds'])})"
                    for s in others
                )
                + "."
            )
        return text
    ratio = median / fastest["per_test_median_seconds"]
    return (
        f"The recommended fixture's median time per test, {seconds(median)}, "
        f"is **{ratio:.1f} times** that of `{fastest['strategy']}` "
        f"({seconds(fastest['per_test_median_seconds'])}), the fastest strategy whose every test "
        f"passed its isolation check."
    )


def render(run: dict) -> str:
    """The Markdown fragment the page includes: the table and the ratio, from the recorded run."""
    v = run["versions"]
    head = (
        "| strategy | isolates | per test: median | per test: 95th percentile | wall time "
        "| most connections at once | connections left | passed / failed | failed the isolation check |"
    )
    rows = [head, "|" + "---|" * 9]
    for s in run["strategies"]:
        rows.append(
            f"| `{s['strategy']}` | {verdict(s)} | {seconds(s['per_test_median_seconds'])} "
            f"| {seconds(s['per_test_p95_seconds'])} | {s['wall_seconds']:.0f} s "
            f"| {s['peak_client_backends']} | {s['client_backends_left']} "
            f"| {s['passed']} / {s['failed']} | {s['isolation_failures']} |"
        )
    about = (
        f"Recorded on {run['date']} by `{run['command']}`: {run['tests_per_strategy']} tests "
        f"per strategy, {run['total_seconds']:.0f} s in all on {run['cpus']} CPUs, against PostgreSQL "
        f"{v['postgresql']} (`max_connections = {run['max_connections']}`), with Python {v['python']}, "
        f"pytest {v['pytest']}, pytest-asyncio {v['pytest-asyncio']}, kailash-dataflow "
        f"{v['kailash-dataflow']} (kailash {v['kailash']}) and asyncpg {v['asyncpg']}."
    )
    return "\n".join(rows) + "\n\n" + about + "\n\n" + ratio_sentence(run) + "\n"


def verdict_sentence(s: dict) -> str:
    n = s["tests"]
    if s["isolates"] is True:
        text = (
            f"In the recorded run, every one of the {n} tests passed its isolation check: none found a "
            f"customer an earlier test had written."
        )
    elif s["isolates"] is False:
        text = (
            f"In the recorded run, {s['isolation_failures']} of the {n} tests failed their isolation "
            f"check: each began with customers that earlier tests had written through DataFlow."
        )
    else:
        text = (
            f"In the recorded run, {s['isolation_unchecked']} of the {n} tests did not get as far as "
            f"their isolation check, so the run does not show whether this strategy isolates."
        )
    if s["other_failures"]:
        text += (
            f" {s['other_failures']} tests failed for another reason; the first said: "
            f"`{s['first_other_failure'].replace('`', chr(39))}`."
        )
    return text


def render_verdicts(run: dict) -> str:
    """The ratio sentence (fixture patterns includes it too); one sentence per strategy, as sections
    the page includes next to each strategy's fixture; what DataFlow's cleanup_test_tables() did."""
    parts = ["--8<-- [start:ratio]", ratio_sentence(run), "--8<-- [end:ratio]"]
    for s in run["strategies"]:
        parts += [f"--8<-- [start:{s['strategy']}]", verdict_sentence(s), f"--8<-- [end:{s['strategy']}]"]
    probe = run["cleanup_test_tables"]
    dropped = sorted(set(probe["tables_before"]) - set(probe["tables_after"]))
    if probe["customers_after"] is None:
        customers = "dropped the `customers` table"
    else:
        rows = probe["customers_after"]
        customers = f"kept the `customers` table, with {rows} row{'' if rows == 1 else 's'} in it"
    parts += [
        "--8<-- [start:cleanup-test-tables]",
        f"In the recorded run, after one customer was created, `cleanup_test_tables()` {customers}; "
        f"of the {len(probe['tables_before'])} tables in `public` it dropped "
        + (", ".join(f"`{t}`" for t in dropped) if dropped else "none")
        + ".",
        "--8<-- [end:cleanup-test-tables]",
    ]
    return "\n".join(parts) + "\n"


def plot_description(run: dict) -> str:
    """Stored in the PNG's metadata: which run it shows (tests/test_isolation.py compares it)."""
    return f"{run['command']} recorded on {run['date']}, inputs {run['inputs']}"


def render_plot(run: dict, path: Path = PLOT) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [s["strategy"] for s in run["strategies"]]
    medians = [s["per_test_median_seconds"] * 1000 for s in run["strategies"]]
    p95s = [s["per_test_p95_seconds"] * 1000 for s in run["strategies"]]
    labels = [
        n if s["isolates"] else f"{n}\n(does not isolate)" if s["isolates"] is False else f"{n}\n(isolation not shown)"
        for n, s in zip(names, run["strategies"], strict=True)
    ]
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    xs = range(len(names))
    width = 0.38
    bars = [
        ax.bar([x - width / 2 for x in xs], medians, width, label="median", color="#4878a8"),
        ax.bar([x + width / 2 for x in xs], p95s, width, label="95th percentile", color="#e8a33d"),
    ]
    for group in bars:
        ax.bar_label(group, fmt="%.0f", padding=2, fontsize=8)
    for tick, s in enumerate(run["strategies"]):
        if s["isolates"] is False:
            for group in bars:
                group[tick].set_hatch("//")
    ax.set_xticks(list(xs), labels, fontsize=9)
    ax.set_ylabel("time per test, setup to teardown (ms)")
    ax.set_title(
        f"Time per test by isolation strategy ({run['tests_per_strategy']} tests each, {run['date']})", fontsize=10
    )
    ax.legend(frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(0, max([*p95s, 1]) * 1.15)
    fig.tight_layout()
    fig.savefig(path, metadata={"Description": plot_description(run), "Software": None})
    plt.close(fig)


def write_rendered(run: dict) -> None:
    FIGURES.write_text(render(run))
    VERDICTS.write_text(render_verdicts(run))
    render_plot(run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev isolation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=DEFAULT_TESTS, help="generated tests per strategy")
    parser.add_argument(
        "--render", action="store_true", help="only re-render figures.md, verdicts.md and the plot from last-run.json"
    )
    args = parser.parse_args(argv)
    if args.render:
        write_rendered(json.loads(LAST_RUN.read_text()))
        print(
            f"dev isolation: rendered {FIGURES.relative_to(REPO)}, {VERDICTS.relative_to(REPO)} "
            f"and {PLOT.relative_to(REPO)}"
        )
        return 0
    if args.tests < 1:
        parser.error("--tests must be at least 1")
    try:
        run = measure(args.tests)
    except (pgserver.PostgresNotFound, RuntimeError) as error:
        print(f"dev isolation: {error}", file=sys.stderr)
        return 2
    LAST_RUN.write_text(json.dumps(run, indent=2) + "\n")
    write_rendered(run)
    print(FIGURES.read_text(), end="")
    print(
        f"dev isolation: wrote {LAST_RUN.relative_to(REPO)}, {FIGURES.relative_to(REPO)}, "
        f"{VERDICTS.relative_to(REPO)} and {PLOT.relative_to(REPO)}"
    )
    healthy = all(
        s["other_failures"] == 0 and s["client_backends_left"] == 0 and s["databases_left"] == 0
        for s in run["strategies"]
    )
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
