"""HTTP handlers against a server on loopback started by the tests:
``HTTPHandler`` makes the standard library's requests (GET and POST) from
the worker thread; ``FemtoHTTPHandler`` sends JSON batches; secrets stay
out of ``repr``; dictConfig builds both."""

from __future__ import annotations

import http.server
import json
import logging as stdlib
import logging.handlers as stdlib_handlers
import threading
import time
import urllib.parse
from collections.abc import Iterator

import femtologging
import femtologging.config
import femtologging.handlers
import pytest
from femtologging._backend import engine
from femtologging.builders import HTTPHandlerBuilder
from femtologging.handlers import FemtoHTTPHandler, HTTPHandler


class Collector:
    """A threaded HTTP server keeping every request; answers ``status``
    after ``delay`` seconds."""

    def __init__(self) -> None:
        self.requests: list[dict[str, object]] = []
        self.status = 200
        self.delay = 0.0
        self.arrived = threading.Condition()
        collector = self

        class Handle(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _keep(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                time.sleep(collector.delay)
                with collector.arrived:
                    collector.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                        }
                    )
                    collector.arrived.notify_all()
                self.send_response(collector.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _keep  # noqa: N815 (http.server's names)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, object]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector()
    yield server
    server.stop()


def form(request: dict[str, object]) -> dict[str, list[str]]:
    if request["method"] == "GET":
        return urllib.parse.parse_qs(urllib.parse.urlsplit(str(request["path"])).query)
    return urllib.parse.parse_qs(str(request["body"]))


def fresh_logger(name: str, module: object = femtologging) -> stdlib.Logger:
    logger = module.getLogger(name)  # type: ignore[attr-defined]
    logger.handlers.clear()
    logger.propagate = False
    logger.disabled = False
    logger.setLevel(stdlib.DEBUG)
    return logger


#: Fields whose values the standard library and femtologging agree on for a
#: record without arguments logged on the same line.
SAME_FIELDS = (
    "name",
    "msg",
    "args",
    "levelname",
    "levelno",
    "pathname",
    "filename",
    "module",
    "exc_info",
    "exc_text",
    "stack_info",
    "lineno",
    "funcName",
    "threadName",
    "processName",
    "process",
)


def log_on_one_line(*loggers: stdlib.Logger) -> None:
    """Logs the same call from the same line and function to each logger."""
    for logger in loggers:
        logger.error("sp\xe4m")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_requests_are_the_standard_librarys(collector: Collector, method: str) -> None:
    host = f"127.0.0.1:{collector.port}"
    theirs = stdlib_handlers.HTTPHandler(host, "/frob", method=method, credentials=("foo", "bar"))
    ours = HTTPHandler(host, "/frob", method=method, credentials=("foo", "bar"))
    std_logger, femto_logger = fresh_logger("http.parity", stdlib), fresh_logger("http.parity")
    std_logger.addHandler(theirs)
    femto_logger.addHandler(ours)
    log_on_one_line(std_logger, femto_logger)
    ours.flush()
    requests = collector.wait_for(2)
    assert len(requests) == 2
    by_agent = sorted(requests, key=lambda r: "femtologging" in str(r["headers"].get("user-agent")))  # type: ignore[union-attr]
    stdlib_request, femto_request = by_agent
    for request in by_agent:
        assert request["method"] == method
        assert urllib.parse.urlsplit(str(request["path"])).path == "/frob"
        headers = request["headers"]
        assert headers["authorization"] == "Basic Zm9vOmJhcg=="  # type: ignore[index]
        if method == "POST":
            assert headers["content-type"] == "application/x-www-form-urlencoded"  # type: ignore[index]
    theirs_form, ours_form = form(stdlib_request), form(femto_request)
    for field in SAME_FIELDS:
        assert ours_form.get(field) == theirs_form.get(field), field
    assert set(theirs_form) <= set(ours_form) | {"taskName"}
    ours.close()
    theirs.close()


def test_arguments_are_merged_into_msg(collector: Collector) -> None:
    handler = HTTPHandler(f"127.0.0.1:{collector.port}", "/in", method="POST")
    logger = fresh_logger("http.args")
    logger.addHandler(handler)
    logger.warning("%d eggs", 3)
    handler.flush()
    (request,) = collector.wait_for(1)
    assert form(request)["msg"] == ["3 eggs"] and form(request)["args"] == ["()"]
    handler.close()


def test_changing_the_method_applies_to_later_records(collector: Collector) -> None:
    handler = HTTPHandler(f"127.0.0.1:{collector.port}", "/in")
    logger = fresh_logger("http.method")
    logger.addHandler(handler)
    logger.error("first")
    handler.method = "POST"
    logger.error("second")
    handler.flush()
    requests = collector.wait_for(2)
    assert [(r["method"], form(r)["msg"]) for r in requests] == [("GET", ["first"]), ("POST", ["second"])]
    handler.close()


def test_a_slow_server_never_makes_a_call_wait(collector: Collector) -> None:
    collector.delay = 0.2
    handler = HTTPHandler(f"127.0.0.1:{collector.port}", "/in", method="POST")
    logger = fresh_logger("http.slow")
    logger.addHandler(handler)
    started = time.perf_counter()
    for n in range(5):
        logger.error("record %d", n)
    assert time.perf_counter() - started < 0.2, "the calls waited for the server"
    handler.flush()
    assert [form(r)["msg"] for r in collector.wait_for(5)] == [[f"record {n}"] for n in range(5)]
    handler.close()


def test_an_ssl_context_runs_the_standard_librarys_code() -> None:
    import ssl

    handler = HTTPHandler("127.0.0.1:1", "/in", secure=True, context=ssl.create_default_context())
    assert handler._caller_side
    with pytest.raises(ValueError, match="context"):
        HTTPHandler("127.0.0.1:1", "/in", context=ssl.create_default_context())
    with pytest.raises(ValueError, match="GET or POST"):
        HTTPHandler("127.0.0.1:1", "/in", method="PUT")


@pytest.mark.parametrize("payload", ["ndjson", "json_array"])
def test_json_batches_hold_at_most_batch_max_records(collector: Collector, payload: str) -> None:
    handler = FemtoHTTPHandler(
        f"http://127.0.0.1:{collector.port}/bulk",
        payload=payload,
        batch_max_records=10,
        batch_max_age=60,
        bearer_token="t0k3n",
        headers={"X-Env": "test"},
    )
    logger = fresh_logger(f"http.batch.{payload}")
    logger.addHandler(handler)
    for n in range(25):
        logger.info("record %d", n, extra={"n": n})
    handler.flush()
    requests = collector.wait_for(3)
    messages = []
    for request in requests:
        assert request["headers"]["authorization"] == "Bearer t0k3n"  # type: ignore[index]
        assert request["headers"]["x-env"] == "test"  # type: ignore[index]
        body = str(request["body"])
        records = json.loads(body) if payload == "json_array" else [json.loads(line) for line in body.splitlines()]
        assert len(records) <= 10
        messages += [(r["message"], r["n"]) for r in records]
    assert messages == [(f"record {n}", str(n)) for n in range(25)]
    assert len(requests) == 3
    assert engine.handler_stats(handler._handle) == (25, 0, 0)
    handler.close()


def test_refused_batches_are_dropped_and_counted(collector: Collector) -> None:
    collector.status = 400
    handler = FemtoHTTPHandler(f"http://127.0.0.1:{collector.port}/bulk")
    logger = fresh_logger("http.refused")
    logger.addHandler(handler)
    for n in range(4):
        logger.info("record %d", n)
    handler.flush()
    time.sleep(0.3)
    assert len(collector.requests) == 1
    written, dropped, errors = engine.handler_stats(handler._handle)
    assert (written, dropped) == (0, 4) and errors >= 1
    handler.close()


def test_secrets_stay_out_of_repr() -> None:
    handler = FemtoHTTPHandler(
        "https://ann:hunter2@logs.example/in?token=s3cr3t&env=prod",
        headers={"X-Api-Key": "k3yk3y"},
    )
    shown = repr(handler)
    assert shown == "<FemtoHTTPHandler https://ann:***@logs.example:443/in?token=***&env=prod (NOTSET)>"
    for secret in ("hunter2", "s3cr3t", "k3yk3y"):
        assert secret not in shown
    handler.close()
    assert "s3cr3t" not in repr(FemtoHTTPHandler("https://logs.example/in", bearer_token="s3cr3t"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"url": "ftp://logs.example/"}, "scheme"),
        ({"url": "http://logs.example/", "method": "GET"}, "POST"),
        ({"url": "http://logs.example/", "payload": "xml"}, "payload"),
        ({"url": "http://logs.example/", "ca_file": "/ca.pem"}, "https"),
        ({"url": "http://logs.example/", "timeout": 0}, "timeout"),
    ],
)
def test_bad_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FemtoHTTPHandler(**options)  # type: ignore[arg-type]


def test_the_builder_and_dict_config_make_http_handlers(collector: Collector) -> None:
    built = HTTPHandlerBuilder(f"http://127.0.0.1:{collector.port}/built").batch(records=2, max_age=60).build()
    assert isinstance(built, FemtoHTTPHandler)
    femtologging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {
                "drop_in": {
                    "class": "logging.handlers.HTTPHandler",
                    "host": f"127.0.0.1:{collector.port}",
                    "url": "/configured",
                    "method": "POST",
                },
            },
            "loggers": {"http.configured": {"handlers": ["drop_in"], "level": "INFO", "propagate": False}},
        }
    )
    logger = femtologging.getLogger("http.configured")
    logger.addHandler(built)
    logger.info("configured")
    logger.info("twice")
    for handler in logger.handlers:
        handler.flush()
    requests = collector.wait_for(3)
    paths = sorted(urllib.parse.urlsplit(str(r["path"])).path for r in requests)
    assert paths == ["/built", "/configured", "/configured"]
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
