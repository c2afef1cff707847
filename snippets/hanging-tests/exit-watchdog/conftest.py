# --8<-- [start:imports]
import faulthandler
import os
import sys

# --8<-- [end:imports]
pytest_plugins = ["db_helpers"]  # the db fixture; the tests import its helpers


# --8<-- [start:exit-watchdog]
# Seconds the process may take to end once pytest is done (60 unless TEST_EXIT_TIMEOUT says).
EXIT_TIMEOUT = float(os.environ.get("TEST_EXIT_TIMEOUT", "60"))


def pytest_unconfigure(config):
    """pytest is done: a process still alive EXIT_TIMEOUT seconds from now prints the stack of
    every thread to stderr and exits with status 1, instead of hanging."""
    faulthandler.dump_traceback_later(EXIT_TIMEOUT, exit=True, file=sys.__stderr__)
# --8<-- [end:exit-watchdog]
