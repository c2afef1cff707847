"""Give this pytest run its own /etc/hosts, and point TEST_DATABASE_URL at a host name it resolves there.

Load it first with `pytest -p private_hosts`; URL_HOST names the host, e.g. "localhost" or "db".
In the run's hosts file `localhost` names both ::1 and 127.0.0.1 (this test machine's /etc/hosts gives
it 127.0.0.1 only) and any other name, such as `db`, names nothing. Its nsswitch.conf says
"hosts: files": no lookup asks DNS, so no query leaves the machine. The machine's files stay as they are:
the run sees its own through a mount namespace of its own.
"""

import ctypes
import os
import tempfile
import threading

import pytest

HOSTS = "127.0.0.1 localhost\n::1 localhost\n"
NSSWITCH = "hosts: files\n"
CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
NSCD = "/var/run/nscd"  # a running nscd would answer from the machine's nsswitch.conf, DNS included

libc = ctypes.CDLL(None, use_errno=True)


def check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def enter_private_namespace() -> None:
    # A thread started before the unshare would stay in the machine's namespace.
    if threading.active_count() != 1:
        raise OSError("a thread is running already: load this plugin first, with -p")
    uid, gid = os.getuid(), os.getgid()
    # Root may make a mount namespace; anyone else first makes a user namespace that allows it.
    check(libc.unshare(CLONE_NEWNS | (0 if uid == 0 else CLONE_NEWUSER)), "unshare")
    if uid != 0:  # the same uid and gid inside, so the run's files stay ours
        for name, text in (("uid_map", f"{uid} {uid} 1"), ("setgroups", "deny"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as file:
                file.write(text)
    # Before any mount: / made private, so no mount below propagates to the machine's namespace.
    check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
    with tempfile.TemporaryDirectory() as folder:  # a bind mount outlives its source's removal
        for target, text in (("/etc/hosts", HOSTS), ("/etc/nsswitch.conf", NSSWITCH)):
            source = os.path.join(folder, os.path.basename(target))
            with open(source, "w") as file:
                file.write(text)
            check(libc.mount(source.encode(), target.encode(), None, MS_BIND, None), f"bind {target}")
    if os.path.isdir(NSCD):  # an empty folder over its socket: glibc then reads the files itself
        check(libc.mount(b"none", NSCD.encode(), b"tmpfs", 0, None), f"hide {NSCD}")


try:
    enter_private_namespace()
except OSError as error:  # never fall back to the machine's files and DNS: stop with one line
    raise pytest.UsageError(f"private_hosts: cannot give this run its own /etc/hosts: {error}") from None

# Only the host changes: user, password, port and database stay the URL's (settings.py's fallback's if unset).
url = os.environ.get("TEST_DATABASE_URL", "postgresql://test_user:test_password@localhost:5434/dataflow_test")
head, at, tail = url.rpartition("@")
_, colon, port_and_database = tail.partition(":")
os.environ.update(TEST_DATABASE_URL=f"{head}{at}{os.environ['URL_HOST']}{colon}{port_and_database}")
