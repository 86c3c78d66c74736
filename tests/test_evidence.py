"""Policy effects against the evaluations they cite (docs/evidence.py, docs/evidence.md).

Every row with a study is a test: the simulated quantity, on the study's kind of population and
horizon and paired against the baseline on the same seeds, must lie in the row's accepted range
(the study's interval, or a factor of its estimate the row justifies). The generated file must
be what the script writes now, and every setting marked for the calibration must carry a prior
range inside its allowed range.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import ROOT, evidence_script

pytestmark = pytest.mark.slow

evidence = evidence_script()


@pytest.fixture(scope="module")
def results():
    return evidence.simulate()


def _label(row) -> str:
    return f"{row.policy}: {row.quantity}"


@pytest.mark.parametrize("index", range(len(evidence.ROWS)),
                         ids=[_label(r) for r in evidence.ROWS])
def test_the_simulated_quantity_lies_in_the_accepted_range(results, index):
    row, values = evidence.ROWS[index], results[index]
    if row.simulate is None:
        assert row.accepted is None and row.why  # says what the magnitude rests on instead
        return
    mean = sum(values) / len(values)
    lo, hi = row.accepted
    assert lo <= mean <= hi, (f"{_label(row)}: simulated {mean:.4g} (seeds {values}) outside "
                              f"{lo:.4g} to {hi:.4g} ({row.why}); study {row.estimate}")


def test_every_row_names_its_study_and_what_its_magnitude_rests_on():
    policies = {r.policy for r in evidence.ROWS}
    from model.policies import REGISTRY

    assert set(REGISTRY) <= policies  # every policy has a row, with a study or a "none"
    for row in evidence.ROWS:
        assert row.study and row.quantity and row.why and row.basis, row
        if row.simulate is not None:
            assert row.accepted[0] < row.accepted[1]


def test_the_report_is_in_sync_with_the_script(results):
    written = (ROOT / "docs" / "evidence.md").read_text()
    assert written == evidence.report(results), (
        "docs/evidence.md is not what docs/evidence.py writes now: run "
        ".venv/bin/python docs/evidence.py")


def test_settings_marked_for_the_calibration_have_a_prior_inside_their_range():
    from model.config import field_meta
    from model.facility import FacilityConfig
    from model.policies import REGISTRY

    fields = [f for _, (_, f) in field_meta().items()]
    fields += list(dataclasses.fields(FacilityConfig))
    fields += [f for cls in REGISTRY.values() for f in dataclasses.fields(cls.config_class)]
    marked = [f for f in fields if "prior_range" in f.metadata]
    assert len(marked) >= 20
    for f in marked:
        lo, hi = f.metadata["prior_range"]
        allowed_lo, allowed_hi = f.metadata["lo"], f.metadata["hi"]
        assert allowed_lo <= lo < hi <= allowed_hi, f.name
        default = f.default_factory() if f.default is dataclasses.MISSING else f.default
        assert lo <= default <= hi, f"{f.name}: default {default} outside its prior {lo}-{hi}"
    assert "`policies.cheaper_remittances.competition_cost_usd`" in evidence.priors_table()


def test_an_unfunded_match_moves_nothing():
    """A match announced with no money behind it: migrants direct nothing more and the formal
    channel gains nothing (they respond to the match they can expect to be paid)."""
    import numpy as np

    settings = {"start_year": 2019.0, "scope": "corridors", "corridors": ["SLV-USA"],
                "match_rate": 3.0, "budget_usd": 0.0}
    on = evidence.run({"remittance_matching": settings}, 1, end_year=2019)
    off = evidence.run({}, 1, end_year=2019)
    k = evidence.corridor(on, "SLV", "USA")
    formal_on = np.sum(on.history["formal_received_corridor"], axis=0)[k]
    formal_off = np.sum(off.history["formal_received_corridor"], axis=0)[k]
    assert formal_on == pytest.approx(formal_off, rel=1e-12)
    p = evidence.policy(on, "remittance_matching")
    assert p.fill == 0.0 and p.directed_share() == pytest.approx(0.1, rel=1e-12)


def test_a_fund_that_meets_a_share_of_requests_moves_behaviour_by_that_share():
    """The directed share rises by earmarked x response x rate x fill, with the fill the share
    of requests met last step: half the money, about half the extra direction."""
    full = {"start_year": 2019.0, "scope": "corridors", "corridors": ["SLV-USA"],
            "match_rate": 1.0, "budget_usd": 1e12, "programme_years": 1.0,
            "cap_usd_per_year": 1e6, "earmarked_share": 0.1, "directed_response": 1.0}
    m = evidence.model({"remittance_matching": full}, 1, end_year=2019)
    m.step()
    p = evidence.policy(m, "remittance_matching")
    assert p.fill == 1.0 and p.directed_share() == pytest.approx(0.1 * (1 + 1.0), rel=1e-12)
    paid = float(m.flows["topup"].sum())
    half = {**full, "budget_usd": 0.5 * paid * m.steps_per_year}  # half a step's requests
    m = evidence.model({"remittance_matching": half}, 1, end_year=2019)
    m.step()
    p = evidence.policy(m, "remittance_matching")
    assert p.fill == pytest.approx(0.5, rel=0.02)
    assert p.directed_share() == pytest.approx(0.1 * (1 + p.fill), rel=1e-12)
