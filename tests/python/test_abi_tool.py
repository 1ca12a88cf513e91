"""tools/check_abi.py: what it calls a break and what an addition."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest

_TOOL = Path(__file__).resolve().parents[2] / "tools" / "check_abi.py"
_spec = importlib.util.spec_from_file_location("check_abi", _TOOL)
assert _spec is not None and _spec.loader is not None
check_abi = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_abi)

BASELINE = {
    "abi_version": 1,
    "functions": {"femto_f": "int32_t(*)(int32_t)"},
    "constants": {"FEMTO_STATUS_OK": 0},
    "structs": {
        "femto_options": {"size": 16, "fields": [["size", 0, "size_t"], ["capacity", 8, "uint32_t"]]},
        "femto_str": {"size": 16, "fields": [["ptr", 0, "char *"], ["len", 8, "size_t"]]},
    },
}


def changed(change) -> dict:
    current = copy.deepcopy(BASELINE)
    change(current)
    return current


def test_the_same_abi_has_neither():
    assert check_abi.compare(BASELINE, BASELINE) == ([], [])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda abi: abi["functions"].pop("femto_f"), "function femto_f was removed"),
        (lambda abi: abi["functions"].update(femto_f="int64_t(*)(int32_t)"), "function femto_f changed"),
        (lambda abi: abi["constants"].update(FEMTO_STATUS_OK=1), "constant FEMTO_STATUS_OK changed"),
        (
            lambda abi: abi["structs"]["femto_options"]["fields"][1].__setitem__(1, 12),
            "struct femto_options: fields moved",
        ),
        (
            lambda abi: abi["structs"]["femto_str"].update(
                size=24, fields=[*abi["structs"]["femto_str"]["fields"], ["extra", 16, "size_t"]]
            ),
            "struct femto_str changed size",
        ),
    ],
)
def test_breaks(change, expected):
    breaks, _ = check_abi.compare(BASELINE, changed(change))
    assert len(breaks) == 1 and breaks[0].startswith(expected)


def test_additions_are_compatible():
    def add(abi):
        abi["functions"]["femto_g"] = "void(*)()"
        abi["constants"]["FEMTO_STATUS_NEW"] = 7
        options = abi["structs"]["femto_options"]
        options["fields"].append(["flags", 12, "uint32_t"])
        abi["structs"]["femto_new"] = {"size": 4, "fields": [["x", 0, "int32_t"]]}

    breaks, additions = check_abi.compare(BASELINE, changed(add))
    assert breaks == []
    assert additions == [
        "function femto_g",
        "constant FEMTO_STATUS_NEW",
        "struct femto_options fields flags",
        "struct femto_new",
    ]
