"""The main job of `make demo`: Python code and a C extension (on its own
pthreads too) logging through one femtologging pipeline into one file, after
a native C program has written to the same file.

    python examples/python/demo.py LOGFILE EXTENSION_DIR
"""

from __future__ import annotations

import sys
import threading

import femtologging as logging

path, extension_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, extension_dir)
import femto_ext  # noqa: E402 (built by `make demo` into EXTENSION_DIR)

logging.basicConfig(
    filename=path,
    level=logging.INFO,
    format="%(asctime)s %(levelname)-7s [%(threadName)s] %(name)s: %(message)s",
)
log = logging.getLogger("demo.python")
log.info("backend %s, library %s", logging.BACKEND, logging.__version__)


def python_worker(n: int) -> None:
    for i in range(3):
        log.info("python thread %d, record %d", n, i)


threads = [threading.Thread(target=python_worker, args=(n,), name=f"py-{n}") for n in range(2)]
for thread in threads:
    thread.start()
femto_ext.log("demo.c_extension", logging.WARNING, "hello from C on the Python thread")
femto_ext.log_from_threads("demo.c_extension", 2, 3)
for thread in threads:
    thread.join()
try:
    {}["missing"]
except KeyError:
    log.exception("and an exception with its traceback")
logging.shutdown()
print(f"wrote {path} (backend: {logging.BACKEND})")
