"""A process that has imported DataFlow, pytest and asyncpg once, and forks a recipe run's pytest from there.

A fresh `python -m pytest` spends about 1.5 s of CPU starting Python and importing DataFlow before any
test runs; a child forked from a process that already imported them starts in about 0.3 s. The test job
runs some 120 recipe runs on 2 cores: about 180 s of the 820 s of CPU a job used (./dev bench, 96 % busy
in 426 s) went to that start-up.

Run as a script (`python harness/forkserver.py FOLDER PARENT_PID`), never imported by a run: it imports
nothing of the harness, so a run's sys.modules holds only what a fresh `python -m pytest` could import.
Per connection on FOLDER/socket it forks a handler, which receives the shim's argv, cwd, environment and
fds 0-2 (harness/forkclient.py writes the shim), forks the runner and relays its exit status to the shim.
If the shim goes first (subprocess.run's timeout killed it), the handler kills the runner's process group.
Each process here dies with its parent (PR_SET_PDEATHSIG), so killing the test job leaves none behind.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import runpy
import select
import shutil
import signal
import socket
import struct
import sys
import threading
import traceback
import types
from importlib import invalidate_caches, metadata
from pathlib import Path

# What recipe runs import (measured: these cost 1.1 s of the 1.5 s). Not pytest_asyncio: pytest warns
# "Module already imported so cannot be rewritten" for an entry-point plugin imported before it starts.
PREIMPORTS = ("pytest", "asyncpg", "dataflow", "kailash.workflow.builder", "kailash.runtime")
# Read by the interpreter only at start-up: a request must have the server's values, or it runs as a
# fresh process. PYTHONPATH and PYTHONDONTWRITEBYTECODE are the two the runner sets as start-up would.
EMULATED = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
LOCALE = ("LANG", "LC_ALL", "LC_CTYPE")  # they decide sys.stdout's encoding and errors
HEADER = struct.Struct("!I")


def startup_settings(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if (k.startswith("PYTHON") and k not in EMULATED) or k in LOCALE}


def die_with_parent(parent: int, sig: int) -> None:
    """`sig` when the parent dies (Linux); gone at once if it already has (it may die before prctl)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(70)


class Server:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pid = self.handler_pid = os.getpid()
        self.base_path = sys.path[1:]  # without this script's folder (harness/): as `python -m` would have
        sys.path[:] = self.base_path
        self.handlers = {s: signal.getsignal(s) for s in signal.valid_signals()}  # a fresh interpreter's
        for name in PREIMPORTS:
            __import__(name)
        if not _single_threaded():
            sys.exit("forkserver: the imports left a thread running; a fork would copy it half-way")
        self.settings = startup_settings(dict(os.environ))
        self.plugins = {  # what pytest loads as entry-point plugins: always imported fresh by a run
            ep.value.split(":")[0].split(".")[0]
            for dist in metadata.distributions()
            for ep in dist.entry_points
            if ep.group == "pytest11"
        }

    def serve(self) -> None:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(self.folder / "socket.new"))
        listener.listen(16)
        os.rename(self.folder / "socket.new", self.folder / "socket")  # there once it accepts
        while True:
            ready, _, _ = select.select([listener], [], [], 0.5)
            while _reap():
                pass
            if ready:
                conn, _ = listener.accept()
                if os.fork() == 0:
                    listener.close()
                    _child(self.handle, conn)
                conn.close()

    def handle(self, conn: socket.socket) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        die_with_parent(self.pid, signal.SIGKILL)
        self.handler_pid = os.getpid()
        request, fds = _receive(conn)
        pid = os.fork()
        if pid == 0:
            _child(self.run, request, fds, conn)
        with contextlib.suppress(PermissionError):  # EACCES: the run has exec'd, after its own setpgid
            os.setpgid(pid, pid)  # as the run does itself: either may come first
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        while True:
            ready, _, _ = select.select([conn.fileno(), pidfd], [], [])
            if pidfd in ready:
                _, status = os.waitpid(pid, 0)
                kind, n = (
                    ("signal", os.WTERMSIG(status)) if os.WIFSIGNALED(status) else ("exit", os.WEXITSTATUS(status))
                )
                conn.sendall(json.dumps([kind, n]).encode())
                return
            if not conn.recv(1):  # the shim is gone: so goes the run, and whatever it started
                os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return

    def run(self, request: dict, fds: list[int], conn: socket.socket) -> None:
        """Become `python -m pytest ARGS` as started afresh in the request's cwd and environment."""
        os.setpgid(0, 0)
        die_with_parent(self.handler_pid, signal.SIGKILL)
        conn.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)  # also for what kept the server's stdio objects: they write to fds 1, 2
            os.close(fd)
        argv, cwd, env = request["argv"], request["cwd"], request["env"]
        for sig, handler in self.handlers.items():
            if handler is not None and signal.getsignal(sig) is not handler:
                signal.signal(sig, handler)
        os.chdir(cwd)
        if startup_settings(env) != self.settings or argv[:1] != ["-m"] or len(argv) < 2:
            for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # what subprocess's restore_signals does
                signal.signal(sig, signal.SIG_DFL)
            os.execve(sys.executable, [sys.executable, *argv], env)
        os.environ.clear()
        os.environ.update(env)
        extra = [os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep)] if env.get("PYTHONPATH") else []
        sys.path[:] = [os.getcwd(), *extra, *self.base_path]
        sys.path_importer_cache.clear()
        invalidate_caches()
        sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
        self.forget_shadowed([os.getcwd(), *extra])
        _fresh_stdio(unbuffered=bool(env.get("PYTHONUNBUFFERED")))
        main = types.ModuleType("__main__")
        main.__dict__["__builtins__"] = __builtins__
        sys.modules["__main__"] = main
        sys.argv = [argv[0], *argv[2:]]  # runpy puts the module's path first, as -m does
        try:
            runpy._run_module_as_main(argv[1])  # type: ignore[attr-defined]  # what -m runs
            code: object = 0
        except SystemExit as exit:
            code = exit.code
        except BaseException:
            sys.excepthook(*sys.exc_info())
            code = 1
        _exit_as_python(code)

    def forget_shadowed(self, folders: list[str]) -> None:
        """Drop pre-imported modules that a run's own files (or PYTHONPATH's) would shadow, and pytest's
        entry-point plugins: a fresh interpreter imports them from where the run finds them."""
        names = set(self.plugins)
        for folder in folders:
            try:
                names.update(p.name.split(".")[0] for p in Path(folder).iterdir())
            except OSError:
                continue
        for name in [m for m in sys.modules if m.split(".")[0] in names]:
            del sys.modules[name]


def _fresh_stdio(unbuffered: bool) -> None:
    """sys.stdin/stdout/stderr as a fresh interpreter makes them (Python/pylifecycle.c's create_stdio)."""
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        model = getattr(sys, f"__{name}__")
        write = fd > 0
        buf = open(fd, "wb" if write else "rb", buffering=0 if unbuffered and write else -1, closefd=False)  # noqa: SIM115 (the stream lives as long as the run)
        raw = buf if isinstance(buf, io.FileIO) else buf.raw  # type: ignore[attr-defined]
        raw.name = f"<{name}>"
        stream = io.TextIOWrapper(
            buf,
            encoding=model.encoding,
            errors=model.errors,
            newline="\n",
            line_buffering=not unbuffered and (raw.isatty() or fd == 2),
            write_through=unbuffered,
        )
        stream.mode = "w" if write else "r"  # type: ignore[misc]
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _exit_as_python(code: object) -> None:
    """End as the interpreter does after its main module: SystemExit's code, non-daemon threads joined,
    atexit handlers, stdio flushed."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code & 0xFF
    else:
        print(code, file=sys.stderr)
        status = 1
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


def _child(body, *args) -> None:
    """A forked child's whole life: it never returns into the server's code."""
    try:
        body(*args)
    except BaseException:
        traceback.print_exc()  # to the run's stderr once the runner has it, else the server's
    finally:
        os._exit(70)


def _single_threaded() -> bool:
    """True if a fork copies one thread only. numpy's OpenBLAS (imported with DataFlow) runs a thread
    pool, which its at-fork handler stops before each fork and restarts on the next BLAS call: one
    fork stops it here, and the server makes no BLAS call."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return threading.active_count() == 1 and len(os.listdir("/proc/self/task")) == 1


def _reap() -> bool:
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return pid != 0


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    while len(data) < HEADER.size or len(data) < HEADER.size + HEADER.unpack_from(data)[0]:
        more = conn.recv(1 << 16)
        if not more:
            raise EOFError("the shim left mid-request")
        data += more
    return json.loads(data[HEADER.size :]), fds


def main(folder: str, parent: str) -> None:
    die_with_parent(int(parent), signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so that the folder goes too
    pid = os.getpid()
    try:
        Server(Path(folder)).serve()
    finally:
        if os.getpid() == pid:  # not in a forked child that got here by mistake
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
