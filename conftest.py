"""Test order: the slowest module first.

`make test` runs two workers, each taking whole modules (--dist loadscope). The browser test of `make lab`
runs every notebook in JupyterLab, one after the other, for minutes; started last, it would run alone at
the end while the other worker waits. Started first, it overlaps with everything else.
"""

SLOW_FIRST = {"tests/test_lab_browser.py"}


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in SLOW_FIRST)  # stable: the rest keep order
