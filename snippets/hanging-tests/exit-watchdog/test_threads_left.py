import re
import threading


def test_threads_still_running():
    """Run last, with -rP: the threads that are still running when the tests are done."""
    kinds = set()
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            # A thread pool names its workers <prefix>_0, _1, ... and starts another when work arrives
            # before the last has gone idle: how many there are is timing, so they are listed as one line.
            name = re.sub(r"_\d+$", "_*", thread.name)
            kinds.add(f"{name} " + ("(daemon)" if thread.daemon else "(not daemon: Python waits for it at exit)"))
    for kind in sorted(kinds):
        print(kind)
