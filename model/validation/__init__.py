"""Out-of-sample validation: from the observed 2015 world to 2020 with the fitted defaults.

    python -m model.validation            # writes docs/validation.md and docs/validation/

The parameters fitted on 2010->2015 (`model/fitted.yaml`, the defaults) run from the UN DESA
2015 stocks (net of UNHCR refugees, with the 2010-2015 trends: no data after 2015 enter the
world) to 2020, without refitting, and are scored on the economic stocks only (the model's
protected taken out as UNHCR's are from the record). Scores, the averaged relative difference
ARD = sum |sim - obs| / sum obs (`model.calibration.ard`):

- the mid-2020 corridor stocks, over all corridors and over the 100 largest in 2020;
- the 2015->2020 change of the stocks (sum |dS_sim - dS_obs| / sum |dS_obs|);
- remittances received by country 2016-2019 (WDI);

against the two naive forecasts from the same 2015 start: unchanged, and the 2010->2015 trend
continued (`stocks`). The errors are also given by destination region and by corridor size; the
covid_2020 scenario is set against what the record says of 2020 (`covid`); and forced
displacement from 2015 against UNHCR's mid-2020 counts by host and by origin, as Flee reports
its validation (`displacement`). The report (`docs/validation.md`) is written whole by this
command (`report`, run by `__main__`), every section regenerated.
"""

from model.validation.covid import COVID_RECORD, COVID_REGIONS, brief_regions, covid_comparison
from model.validation.stocks import (
    breakdown,
    fitted_values,
    forecasts,
    largest_errors,
    metrics,
    simulate_economic,
)

__all__ = ["COVID_RECORD", "COVID_REGIONS", "breakdown", "brief_regions", "covid_comparison",
           "fitted_values", "forecasts", "largest_errors", "metrics", "simulate_economic"]
