"""Make packages look uninstalled, to see what DataFlow does without them.

Load it first with `pytest -p hide_modules`; HIDE_MODULES names the packages, e.g. "psycopg2".
Importing one then fails as it would in an environment where pip never installed it.
"""

import os
import sys

HIDDEN = set(os.environ.get("HIDE_MODULES", "").split())
assert not HIDDEN & set(sys.modules), "already imported: load this plugin first"


class Uninstalled:
    """A finder, asked before all others, that finds none of the hidden packages."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Uninstalled())
