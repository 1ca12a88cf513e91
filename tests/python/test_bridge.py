"""Third-party code that logs through stdlib ``logging`` reaches
femtologging's handlers through the bridge."""

from __future__ import annotations


def test_stdlib_records_reach_femtologging_handlers(run_script, tmp_path):
    result = run_script(
        """
        import logging, sys
        import femtologging
        from femtologging import bridge

        def third_party():
            log = logging.getLogger("thirdparty.client")
            log.info("retrying %s", "GET /x")
            try:
                1 / 0
            except ZeroDivisionError:
                log.exception("gave up")
            log.debug("below stdlib's level")

        femtologging.basicConfig(
            filename=sys.argv[1],
            level=femtologging.INFO,
            format="%(name)s %(levelname)s %(funcName)s %(threadName)s %(message)s",
        )
        femtologging.getLogger("thirdparty").setLevel(femtologging.INFO)
        bridge.install(level=logging.INFO)
        third_party()
        femtologging.getLogger("app").warning("native record")
        bridge.uninstall()
        logging.getLogger("thirdparty.client").error("after uninstall: stdlib lastResort only")
        """,
        str(tmp_path / "bridge.log"),
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "bridge.log").read_text().splitlines()
    assert lines[0] == "thirdparty.client INFO third_party MainThread retrying GET /x"
    assert lines[1] == "thirdparty.client ERROR third_party MainThread gave up"
    assert lines[2] == "Traceback (most recent call last):"
    assert lines[-2].startswith("ZeroDivisionError")
    assert lines[-1] == "app WARNING <module> MainThread native record"
    assert "after uninstall" in result.stderr
