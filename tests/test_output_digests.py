"""Behaviour is unchanged unless a commit says otherwise: every stored run gives the same bytes.

The stored digests (`tests/output_digests.json`) are rewritten only by
`python tests/output_digests.py --write`, in a commit that gives the reason for the change.
"""

from __future__ import annotations

import json

import pytest

from tests.output_digests import STORE, cases, digest

STORED = json.loads(STORE.read_text())


def test_every_case_has_stored_digests():
    assert set(STORED) == set(cases())


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(cases()))
def test_outputs_are_byte_identical_to_the_stored_digests(name):
    assert digest(cases()[name]) == STORED[name], (
        f"{name}: outputs changed; if on purpose, rerun `python tests/output_digests.py --write` "
        "and give the reason in the commit message")
