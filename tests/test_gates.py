"""The gate table: every gate is in the test registry and in the index at the top of gates.py."""

from __future__ import annotations

import re

from strategies import OPS

from micrograd_notes import Value, gates

GATE_CLASSES = {
    cls
    for cls in vars(gates).values()
    if isinstance(cls, type) and issubclass(cls, gates.Gate) and cls is not gates.Gate
}


def test_registry_covers_every_gate() -> None:
    covered = {type(case.build(*[Value(1.5) for _ in case.domain]).gate) for case in OPS}
    assert covered == GATE_CLASSES


def test_the_index_lists_every_gate_with_its_symbol() -> None:
    index = gates.__doc__.split("-----\n", 1)[1].split("\n\n", 1)[0]
    rows = {m[1]: m[2] for m in re.finditer(r"^ +(\w+) +(\S+) ", index, flags=re.M)}
    assert set(rows) == {cls.__name__ for cls in GATE_CLASSES}
    for cls in GATE_CLASSES:
        if cls is not gates.PowConst:  # its symbol is made per exponent: **2, **-1, ...
            assert rows[cls.__name__] == cls.symbol
    assert rows["PowConst"] == "**k" and gates.PowConst(2.0).symbol == "**2"
