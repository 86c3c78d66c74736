"""The run's table writer gives pandas' bytes exactly (floats, missing values, quoting), so the
faster writer changes no output; and a sweep worker's garbage collection skips the libraries."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from model.outputs import FLOAT, write_csv


def _same_as_pandas(table: pd.DataFrame, tmp: Path) -> None:
    table.to_csv(tmp / "pandas.csv", index=False, float_format=FLOAT)
    write_csv(table, tmp / "ours.csv")
    assert (tmp / "ours.csv").read_bytes() == (tmp / "pandas.csv").read_bytes()


def test_every_kind_of_cell_is_written_as_pandas_writes_it(tmp_path):
    table = pd.DataFrame({
        "step": [1, 2, 3, 4],
        "value": [0.1 + 0.2, np.nan, -0.0, 1e-12],
        "big": [1e21, np.inf, -np.inf, 123456789.123456789],
        "name": ["plain", "with, comma", 'with "quotes"', None],
        "flag": [True, False, True, False],
        "source": pd.array(["a", None, "b, c", "d"], dtype="string"),
    })
    _same_as_pandas(table, tmp_path)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1,
                max_size=30),
       st.lists(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF,
                                               blacklist_categories=("Cs",)), max_size=8),
                min_size=1, max_size=30))
def test_floats_and_text_match_pandas(tmp_path_factory, floats, texts):
    n = min(len(floats), len(texts))
    table = pd.DataFrame({"x": floats[:n], "t": texts[:n], "i": range(n)})
    _same_as_pandas(table, tmp_path_factory.mktemp("csv"))


def test_a_sweep_worker_freezes_what_it_holds_before_its_first_job_once():
    from model import sweeps

    sweeps.STATE.pop("frozen", None)
    try:
        sweeps.freeze_imports()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the libraries imported by the tests
        kept = [[] for _ in range(10)]  # objects the first job made
        sweeps.freeze_imports()  # a second job: nothing more is frozen
        assert kept
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
        sweeps.STATE.pop("frozen", None)
