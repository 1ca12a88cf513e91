"""What a disabled call costs against what CPython's own call costs.

    .venv/bin/python bench/python/disabled_floor.py [--calls N] [--repeats R]

The disabled-call row of ``compare.py`` measures ``logger.debug("disabled
%s", i)`` in a loop, below the logger's level. Most of that time is the
interpreter's: the loop, the method lookup and the call. This puts beside
it, in the same interpreter and loop, the same call to a C method that does
next to nothing (``dict.get`` on an empty dict, with the same two
arguments) and the empty loop, so the logger's own share can be read off.
Best of R runs of N calls each, nanoseconds per call.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable


def quiet(logging):  # noqa: ANN001, ANN201
    logger = logging.getLogger("bench.disabled")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def debug_loop(logger) -> Callable[[int], None]:  # noqa: ANN001
    def loop(n: int) -> None:
        for i in range(n):
            logger.debug("disabled %s", i)

    return loop


def dict_get_loop(n: int) -> None:
    table: dict[str, int] = {}
    for i in range(n):
        table.get("disabled %s", i)


def empty_loop(n: int) -> None:
    for _ in range(n):
        pass


def best_ns(loop: Callable[[int], None], calls: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        loop(calls)
        best = min(best, time.perf_counter() - start)
    return best / calls * 1e9


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    import femtologging

    loops = {"femtologging Logger.debug, disabled": debug_loop(quiet(femtologging))}
    try:
        import picologging
    except ImportError:
        pass
    else:
        loops["picologging Logger.debug, disabled"] = debug_loop(quiet(picologging))
    loops["dict.get on an empty dict (a C method doing next to nothing)"] = dict_get_loop
    loops["the empty loop"] = empty_loop
    times = {name: best_ns(loop, args.calls, args.repeats) for name, loop in loops.items()}
    empty = times["the empty loop"]
    print("| loop | ns per call | above the empty loop |")
    print("|---|---:|---:|")
    for name, ns in times.items():
        print(f"| {name} | {ns:.1f} | {ns - empty:.1f} |")


if __name__ == "__main__":
    main()
