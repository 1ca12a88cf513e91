"""logging.config.listen / stopListening: configurations sent over a
socket are applied to femtologging, after ``verify``."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import socket
import struct

import femtologging
import femtologging.config

KEY = b"shared secret"


def send(port: int, payload: bytes) -> None:
    with socket.create_connection(("localhost", port), timeout=5) as connection:
        connection.sendall(struct.pack(">L", len(payload)) + payload)


def signed(config: dict[str, object]) -> bytes:
    body = json.dumps(config).encode()
    return hmac.new(KEY, body, hashlib.sha256).hexdigest().encode() + body


def verify(payload: bytes) -> bytes | None:
    """Accepts only payloads signed with ``KEY`` (a 64-digit HMAC first)."""
    signature, body = payload[:64], payload[64:]
    expected = hmac.new(KEY, body, hashlib.sha256).hexdigest().encode()
    return body if hmac.compare_digest(signature, expected) else None


def configure_through_listener(payload: bytes) -> None:
    listener = femtologging.config.listen(0, verify)
    listener.start()
    assert listener.ready.wait(5)
    listener.ready.clear()
    try:
        send(listener.port, payload)
        assert listener.ready.wait(5), "the listener handled the connection"
    finally:
        femtologging.config.stopListening()
        listener.join(5)
    assert not listener.is_alive()


def config_to(stream: io.StringIO, name: str, level: str) -> dict[str, object]:
    femtologging.config.STREAMS_FOR_TEST = stream  # type: ignore[attr-defined]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(levelname)s %(message)s"}},
        "handlers": {
            "out": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://femtologging.config.STREAMS_FOR_TEST",
            }
        },
        "loggers": {name: {"handlers": ["out"], "level": level, "propagate": False}},
    }


def test_a_verified_configuration_is_applied() -> None:
    stream = io.StringIO()
    configure_through_listener(signed(config_to(stream, "listen.app", "WARNING")))
    logger = femtologging.getLogger("listen.app")
    logger.info("below the configured level")
    logger.warning("configured")
    assert stream.getvalue() == "WARNING configured\n"
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def test_a_configuration_verify_refuses_is_not_applied() -> None:
    stream = io.StringIO()
    forged = b"0" * 64 + json.dumps(config_to(stream, "listen.forged", "DEBUG")).encode()
    logger = femtologging.getLogger("listen.forged")
    configure_through_listener(forged)
    assert logger.handlers == []
    logger.error("not configured")
    assert stream.getvalue() == ""


def test_stop_listening_without_a_listener_does_nothing() -> None:
    femtologging.config.stopListening()


def test_a_bad_configuration_is_reported_and_the_listener_carries_on(capsys) -> None:
    stream = io.StringIO()
    listener = femtologging.config.listen(0)
    listener.start()
    assert listener.ready.wait(5)
    try:
        for payload in (b"\xff not a configuration", json.dumps(config_to(stream, "listen.after", "INFO")).encode()):
            listener.ready.clear()
            send(listener.port, payload)
            assert listener.ready.wait(5)
    finally:
        femtologging.config.stopListening()
        listener.join(5)
    assert "Traceback" in capsys.readouterr().err
    logger = femtologging.getLogger("listen.after")
    logger.info("applied after the bad one")
    assert stream.getvalue() == "INFO applied after the bad one\n"
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
