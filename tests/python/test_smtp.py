"""SMTPHandler against a local SMTP server (aiosmtpd, from PyPI, started
by the tests on loopback): the standard library's mail, sent from the
worker thread so that a slow server never makes a logging call wait."""

from __future__ import annotations

import logging as stdlib
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes

import femtologging
import femtologging.config
import femtologging.handlers
import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """Keeps every mail; ``delay`` seconds before accepting each."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], bytes]] = []
        self.delay = 0.0
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 (aiosmtpd's name)
        time.sleep(self.delay)
        with self.arrived:
            self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))  # type: ignore[attr-defined]
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int) -> list[tuple[str, list[str], bytes]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.mails) >= count, 10)
            return list(self.mails)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    # aiosmtpd checks it is up by connecting to its port: give it a free one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def logger_with(handler: stdlib.Handler, name: str) -> stdlib.Logger:
    logger = femtologging.getLogger(name)
    logger.handlers.clear()
    logger.propagate = False
    logger.disabled = False
    logger.setLevel(femtologging.INFO)
    logger.addHandler(handler)
    return logger


def test_each_record_is_the_standard_librarys_mail(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    handler = femtologging.handlers.SMTPHandler(("127.0.0.1", port), "app@example.org", "ops@example.org", "Alert")
    assert handler.toaddrs == ["ops@example.org"]
    handler.setFormatter(femtologging.Formatter("%(levelname)s %(message)s"))
    logger = logger_with(handler, "smtp.mail")
    logger.error("disk %s is full \u2713", "/var")
    logger.critical("second")
    handler.flush()
    mails = inbox.wait_for(2)
    assert [(sender, to) for sender, to, _ in mails] == [("app@example.org", ["ops@example.org"])] * 2
    first = message_from_bytes(mails[0][2])
    assert first["Subject"] == "Alert" and first["From"] == "app@example.org" and first["Date"]
    assert first.get_content_type() == "text/plain"
    assert first.get_payload(decode=True).decode().strip() == "ERROR disk /var is full \u2713"
    handler.close()


def test_a_slow_mail_server_never_makes_a_call_wait(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    inbox.delay = 0.3
    handler = femtologging.handlers.SMTPHandler(("127.0.0.1", port), "app@example.org", ["a@x.org", "b@x.org"], "Slow")
    logger = logger_with(handler, "smtp.slow")
    started = time.perf_counter()
    for n in range(3):
        logger.error("record %d", n)
    assert time.perf_counter() - started < 0.25, "the calls waited for the server"
    handler.flush()
    mails = inbox.wait_for(3)
    assert len(mails) == 3 and mails[0][1] == ["a@x.org", "b@x.org"]
    handler.close()


def test_a_server_that_is_down_is_reported_through_handle_error(capsys: pytest.CaptureFixture[str]) -> None:
    handler = femtologging.handlers.SMTPHandler(
        ("127.0.0.1", 1), "app@example.org", "ops@example.org", "Down", timeout=1
    )
    logger = logger_with(handler, "smtp.down")
    logger.error("lost")
    handler.flush()
    handler.close()
    assert "--- Logging error ---" in capsys.readouterr().err


def test_dict_config_makes_one(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    femtologging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {
                "mail": {
                    "class": "logging.handlers.SMTPHandler",
                    "mailhost": ["127.0.0.1", port],
                    "fromaddr": "app@example.org",
                    "toaddrs": ["ops@example.org"],
                    "subject": "Configured",
                    "level": "ERROR",
                }
            },
            "loggers": {"smtp.configured": {"handlers": ["mail"], "propagate": False}},
        }
    )
    logger = femtologging.getLogger("smtp.configured")
    logger.warning("below the handler's level")
    logger.error("mailed")
    for handler in logger.handlers:
        handler.flush()
    (mail,) = inbox.wait_for(1)
    assert message_from_bytes(mail[2])["Subject"] == "Configured"
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
