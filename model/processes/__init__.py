"""The model's processes, one module each, run in this order every step (simultaneous update:
within a process every migrant acts on the state at the start of that process, vectorised):

1. `labour`        job loss and job finding by destination and skill; matched jobs (brain waste)
2. `earnings`      earnings, savings and repayment of recruitment debt
3. `remittances`   amount sent, split between formal and informal channels by price and
                   access, fees
4. `returns`       return hazard by time abroad, unemployment and savings; stranded if blocked
5. `reintegration` returnees find work at home; returnees leave the followed cohort
6. `emigration`    random-utility choice of destination or staying; regular entry up to a quota
7. indicators are recorded by the model (`model.indicators`).

Shocks (issue 4) and policies (issue 3) act through the corridor and country arrays these
processes read, so every effect has one visible path.
"""

from model.processes import earnings, emigration, labour, reintegration, remittances, returns

ORDER = (
    ("labour", labour.step),
    ("earnings", earnings.step),
    ("remittances", remittances.step),
    ("returns", returns.step),
    ("reintegration", reintegration.step),
    ("emigration", emigration.step),
)
