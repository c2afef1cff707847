import threading


def test_threads_still_running():
    """Run last, with -rP: the threads that are still running when the tests are done."""
    for thread in sorted(threading.enumerate(), key=lambda t: t.name):
        if thread is not threading.main_thread():
            print(thread.name, "(daemon)" if thread.daemon else "(not daemon: Python waits for it at exit)")
