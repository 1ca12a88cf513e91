"""CPython's own test suite for ``logging`` (``Lib/test/test_logging.py``
of the running interpreter), run with femtologging substituted for
``logging``, ``logging.handlers`` and ``logging.config``: the public
measure of how much of the standard library's behaviour femtologging has.

    python tests/stdlib/run_test_logging.py [--floor FILE] [--update-floor]

Each test class runs in its own interpreter with a timeout, so that a hang
is a failure of that class, not a stuck run. Prints the passing tests per
class and the total for the backend in use (``FEMTOLOGGING_BACKEND``);
with ``--floor`` exits non-zero when the total is below the committed
floor for that backend (the count only goes up).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

#: Seconds a test class may take before it counts as hung.
CLASS_TIMEOUT_S = 120

SUBSTITUTE = """
import sys
import femtologging, femtologging.handlers, femtologging.config
sys.modules["logging"] = femtologging
sys.modules["logging.handlers"] = femtologging.handlers
sys.modules["logging.config"] = femtologging.config
import test.test_logging as suite_module
"""

LIST_CLASSES = (
    SUBSTITUTE
    + """
import unittest
for name in dir(suite_module):
    value = getattr(suite_module, name)
    if isinstance(value, type) and issubclass(value, unittest.TestCase):
        if unittest.defaultTestLoader.getTestCaseNames(value):
            print(name)
"""
)

RUN_CLASS = (
    SUBSTITUTE
    + """
import io, json, unittest

class Recording(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = []

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed.append(test.id().rsplit(".", 1)[-1])

suite = unittest.defaultTestLoader.loadTestsFromTestCase(getattr(suite_module, sys.argv[1]))
runner = unittest.TextTestRunner(stream=io.StringIO(), resultclass=Recording, verbosity=0)
result = runner.run(suite)
print("RESULT " + json.dumps({
    "run": result.testsRun,
    "passed": result.passed,
    "failed": len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses),
    "skipped": len(result.skipped),
}), flush=True)
import os
os._exit(0)  # a class that leaves threads behind must not hold the count
"""
)


def list_classes() -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", LIST_CLASSES], capture_output=True, text=True, timeout=CLASS_TIMEOUT_S, check=True
    )
    return done.stdout.split()


def run_class(name: str) -> dict[str, object]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", RUN_CLASS, name],
            capture_output=True,
            text=True,
            timeout=CLASS_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"class": name, "passed": [], "note": f"hung (killed after {CLASS_TIMEOUT_S} s)"}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return {"class": name, **json.loads(line[len("RESULT ") :])}
    tail = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    return {"class": name, "passed": [], "note": f"crashed: {tail[:120]}"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--floor", type=Path, help="JSON file of the lowest accepted count per backend")
    parser.add_argument("--update-floor", action="store_true", help="raise the floor to this run's count")
    args = parser.parse_args()
    import femtologging

    backend = femtologging.BACKEND
    classes = list_classes()
    # One class at a time: some of CPython's tests are timing-sensitive.
    with ThreadPoolExecutor(max_workers=1) as pool:
        results = list(pool.map(run_class, classes))
    total = 0
    for result in results:
        passed = len(result["passed"])  # type: ignore[arg-type]
        total += passed
        note = result.get("note") or f"{passed} of {result.get('run', 0)} passed, {result.get('skipped', 0)} skipped"
        print(f"  {result['class']:<36} {note}")
    print(f"CPython test_logging.py on femtologging ({backend} backend): {total} tests pass")
    if args.floor is None:
        return 0
    floors = json.loads(args.floor.read_text()) if args.floor.exists() else {}
    floor = int(floors.get(backend, 0))
    if args.update_floor and total > floor:
        floors[backend] = total
        args.floor.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n")
        print(f"floor for {backend} raised from {floor} to {total}")
        return 0
    if total < floor:
        print(f"FAILED: {total} is below the floor of {floor} for the {backend} backend ({args.floor})")
        return 1
    print(f"floor for {backend}: {floor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
