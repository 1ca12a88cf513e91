"""A Python program configured by the TOML file it shares with C and Rust
programs (``examples/config/logging.toml``)::

    python examples/python/configured.py examples/config/logging.toml
"""

import sys

import femtologging as logging
import femtologging.config

femtologging.config.load_file(sys.argv[1] if len(sys.argv) > 1 else "logging.toml")
app, db, http = logging.getLogger("app"), logging.getLogger("app.db"), logging.getLogger("app.http")
app.info("service started on port %d", 8080)
app.debug("not written: app is at INFO")
db.debug("query took %d ms", 3)
db.warning("slow query: %s", "SELECT 1")
http.info("not written: app.http is at WARNING")
http.error("request failed with status %d", 502)
logging.getLogger().critical("disk almost full")
logging.shutdown()
