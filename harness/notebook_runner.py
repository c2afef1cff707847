"""Execute the notebooks from outside, compare their outputs with the recorded ones, re-record.
(Inside a notebook's kernel, the harness is harness/notebook.py: the names a notebook imports.)

    python -m harness.notebook_runner run SLUG     execute one and print its cells (./dev notebook)

A notebook's recorded outputs are what the site shows (mkdocs-jupyter does not execute).
The test job executes each one with nbclient against the live server and compares, cell by
cell, error outputs (exception name and normalized message) and printed output.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from harness import nbtext
from harness.normalize import REPO, normalize, site_packages_of

NOTEBOOKS = REPO / "notebooks"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CELL_TIMEOUT = 300
# Run after a notebook's cells: which ports and database names its kernel handed out.
LITERALS_PROBE = "import harness.notebook as n; print(n.literals_json())"


class NotebookError(ValueError):
    """A notebook file that is not JSON; the message names it, the line and the column."""


def all_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def read(path: Path) -> nbformat.NotebookNode:
    """nbformat.read, but broken JSON says where: nbformat's own error quotes the file's first bytes."""
    text = path.read_text(encoding="utf-8")
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        raise NotebookError(f"{shown}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}") from None
    return nbformat.reads(text, as_version=4)


def execute(path: Path, python: str | Path | None = None, kernel_stderr: Path | None = None) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel; return the notebook with normalized outputs.

    Cells tagged `raises-exception` may raise; an error anywhere else fails the run.
    `python`: run the kernel in that interpreter (a version matrix cell's), not in this one.
    `kernel_stderr`: a file for what the kernel process writes to its stderr (default: ours).
    """
    nb = read(path)
    # The kernel works in a temp dir: DataFlow writes a migrations/ folder where it runs.
    with (
        tempfile.TemporaryDirectory(prefix="notebook-") as workdir,
        open(kernel_stderr, "w") if kernel_stderr else nullcontext() as stderr,
    ):
        client = NotebookClient(
            nb,
            timeout=CELL_TIMEOUT,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": workdir}},
        )
        client.km = kernel_manager(Path(workdir), None if python is None else Path(python))
        with client.setup_kernel(stderr=stderr):
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            # Ask the kernel which ports and database names it handed out, to normalize them.
            probe = nbformat.v4.new_code_cell(LITERALS_PROBE)
            nb.cells.append(probe)
            client.execute_cell(probe, len(nb.cells) - 1)
            nb.cells.pop()
    literals = json.loads(probe.outputs[0]["text"]) if probe.outputs else {}
    if python is not None:
        literals[site_packages_of(python)] = "<site-packages>"
    return normalized(nb, literals)


def normalized(nb, literals: dict[str, str]) -> nbformat.NotebookNode:
    """Outputs as they are recorded: coalesced, normalized, without counts and timing."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [_normalized(output, literals) for output in _coalesced(cell.outputs)]
            cell.execution_count = None
            cell.metadata.pop("execution", None)
            for output in cell.outputs:
                output.pop("execution_count", None)
    return nb


def kernel_manager(workdir: Path, python: Path | None = None):
    """A kernel manager that talks to its kernel over IPC, its sockets in `workdir`/.kernel.

    Not TCP: ipykernel 7 warns on stderr that its TCP transport is unencrypted, and a kernel on
    this machine needs no port. The socket files are named after the connection file; without
    one they would be "kernel-ipc-N", relative to each process's own working directory.
    `python`: the kernel runs that interpreter, with this repository's harness importable.
    """
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    runtime = workdir / ".kernel"
    runtime.mkdir()
    kwargs: dict[str, object] = {"kernel_name": "python3"}
    if python is not None:
        kernelspec(runtime / "cell", python, "matrix cell")
        kwargs = {"kernel_name": "cell", "kernel_spec_manager": KernelSpecManager(kernel_dirs=[str(runtime)])}
    return AsyncKernelManager(transport="ipc", connection_file=str(runtime / "connection.json"), **kwargs)


def kernelspec(folder: Path, python: Path, display_name: str) -> None:
    """A kernel spec in `folder` (its name is the kernel's) for `python`, this repository's harness
    importable."""
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": display_name,
                "language": "python",
                "env": {"PYTHONPATH": str(REPO)},
            }
        )
    )


def _coalesced(outputs):
    """Adjacent stream outputs of one stream as one: a loaded kernel may flush one print() in two
    messages ("connected:" and " True"), which would otherwise be normalized as two lines."""
    merged: list = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and last is not None
            and last.output_type == "stream"
            and last.name == output.name
        ):
            last.text += output.text
        else:
            merged.append(output)
    return merged


def _normalized(output, literals):
    if output.output_type == "stream":
        output.text = normalize(output.text, literals) + "\n"
    elif output.output_type == "error":
        output.evalue = normalize(output.evalue, literals)
        output.traceback = [normalize(frame, literals) for frame in _short(output.traceback)]
    elif "text/plain" in output.get("data", {}):  # keep images and HTML beside the text
        output.data["text/plain"] = normalize(output.data["text/plain"], literals)
    return output


def _short(traceback: list[str]) -> list[str]:
    """The header, the notebook's own frames and the exception line; library frames are left out."""
    if len(traceback) < 3:
        return traceback
    own = [frame for frame in traceback[1:-1] if "Cell In[" in ANSI.sub("", frame)]
    left_out = len(traceback) - 2 - len(own)
    note = [f"... {left_out} library frames left out ...\n"] if left_out else []
    return [traceback[0], *own, *note, traceback[-1]]


def comparable(nb) -> list:
    """Per code cell: what must stay the same from run to run."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        shown: list[tuple[str, ...]] = []
        for output in cell.outputs:
            if output.output_type == "stream":
                # How the kernel splits a stream into chunks varies from run to run: join them.
                if shown and shown[-1][0] == output.name:
                    shown[-1] = (output.name, shown[-1][1] + "\n" + output.text.rstrip())
                else:
                    shown.append((output.name, output.text.rstrip()))
            elif output.output_type == "error":
                shown.append(("error", output.ename, output.evalue))
            elif "text/plain" in output.get("data", {}):
                shown.append(("result", output.data["text/plain"]))
        cells.append(shown)
    return cells


def register_recording(nb, path: Path) -> None:
    nbtext.register_recording(nb, path)  # with the note in its first cell and its paired text


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "run":
        print("usage: python -m harness.notebook_runner run SLUG", file=sys.stderr)
        return 2
    path = NOTEBOOKS / f"{argv[1]}.ipynb"
    if not path.exists():
        names = ", ".join(p.stem for p in all_notebooks())
        print(f"no notebook {argv[1]!r}; there are: {names}", file=sys.stderr)
        return 2
    try:
        nb = execute(path)
    except NotebookError as error:
        print(error, file=sys.stderr)
        return 2
    for cell in nb.cells:
        if cell.cell_type == "code":
            print("\n".join(">>> " + line for line in cell.source.splitlines()))
            for output in comparable(nbformat.from_dict({"cells": [cell]}))[0]:
                print(": ".join(output[1:]) if output[0] == "error" else output[-1])
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
