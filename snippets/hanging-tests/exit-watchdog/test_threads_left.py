import re
import threading


def test_threads_still_running():
    """Run last, with -rP: the threads that are still running when the tests are done."""
    kinds = set()
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            # An executor starts workers (_0, _1, ...) as work arrives while the others are busy: how
            # many it has is timing, so they are listed as one line.
            name = re.sub(r"^(ThreadPoolExecutor-\d+)_\d+$", r"\1_*", thread.name)
            kinds.add(f"{name} " + ("(daemon)" if thread.daemon else "(not daemon: Python waits for it at exit)"))
    for kind in sorted(kinds):
        print(kind)
