"""The two rules that keep a test run from harming data or leaking a secret, defined once.

Recipes a reader copies cannot import the harness, so they carry these functions verbatim;
tests/test_guards.py checks every copy is the same text as this one and runs them all on the
same names and URLs. `is_test_database` decides what the harness, the recipes and the pages
will empty or drop; `masked` is how any of them shows a URL.
"""

import re


def is_test_database(name: str) -> bool:
    """True when "test" is a word of the name: dataflow_test, test-shop; not latest or contest."""
    return "test" in re.split(r"[\W_]+", name.lower())


def masked(url: str) -> str:
    """The URL with its password, from the user name's ":" to the last "@", shown as ***."""
    head, at, host = url.rpartition("@")
    scheme, slashes, userinfo = head.partition("//") if "//" in head else ("", "", head)
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}{slashes}{userinfo.split(':', 1)[0]}:***@{host}"
