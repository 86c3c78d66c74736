"""The Concessional Financing Facility for Migration (section 4 of the GFMD paper), as a Mesa agent.

Modelled on the Global Concessional Financing Facility (GCFF), which blends donor grants with
concessional loans from development banks: by 2020 it had approved 622 M USD of grants
supporting 4.2 bn USD of projects, so one grant dollar buys down the interest on about 5.75
dollars of loans (`leverage` = 4.2 bn / 622 M = 6.75 dollars of programmes per grant dollar).

The package, a module per part:
- `config`: the settings (`FacilityConfig`, every setting with its source; `parse_facility`);
- `component`: `FinancingFacility`, the Mesa agent and model component: its declarations,
  state, phase of the step and hooks, and the programmes' effects every step;
- `membership`: who joins and stays, votes, preferences, fairness, conditions;
- `budget`: the year's budget and its allocation by theme and member (`plan_year`);
- `payments`: the step's share of the money, loans and repayments, the books (`pay_step`);
- `themes`: what the money buys in each of the six GFMD themes, and what it is worth.
"""

from model.facility.component import FinancingFacility
from model.facility.config import CHOICES, FacilityConfig, parse_facility, validate_facility
from model.facility.membership import DESTINATION_PREFERENCE, ORIGIN_PREFERENCE
from model.facility.themes import THEMES, UNITS

__all__ = ["CHOICES", "DESTINATION_PREFERENCE", "FacilityConfig", "FinancingFacility",
           "ORIGIN_PREFERENCE", "THEMES", "UNITS", "parse_facility", "validate_facility"]
