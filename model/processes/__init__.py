"""The model's processes, one module each; each module declares one component (see
`model.components`) that runs its own phase of the step. The phases run in the order of
`model.catalogue.PHASES` (simultaneous update: within a phase every migrant acts on the state at
its start, vectorised):

- `labour`        job loss and job finding by destination and skill; matched jobs (brain waste)
- `earnings`      earnings, savings and repayment of recruitment debt
- `remittances`   amount sent, split between formal and informal channels by price and
                  access, fees
- `returns`       return hazard by time abroad, unemployment and savings; stranded if blocked
- `reintegration` returnees find work at home; returnees leave the followed cohort
- `emigration`    random-utility choice of destination or staying; regular entry up to a quota

Shocks and policies act through the corridor and country arrays (levers) these processes read,
so every effect has one visible path.
"""
