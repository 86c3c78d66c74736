"""Indicators: names, units and meanings, written once, and the function that measures them.

Every indicator is in people or US dollars (never in agents). Stocks are measured at the end of
a step; flows (inflows, returns, remittances) are totals over the step. `measure()` computes
them all from the model's arrays with `np.bincount` over corridors, so recording costs a few
passes over the migrant arrays per step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from model.tallies import (
    S_ABROAD,
    S_EMPLOYED,
    S_HIGH,
    S_IRREGULAR,
    S_MATCHED,
    S_RECOGNISED,
    S_REINTEGRATED,
)


@dataclass(frozen=True)
class Indicator:
    """One headline indicator: its column name, unit and plain-language meaning."""

    name: str
    unit: str
    label: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("year", "year", "start of the step's period"),
    Indicator("migrant_stock", "people", "migrants living abroad (all corridors)"),
    Indicator("migrant_stock_high_skill", "people", "tertiary-educated migrants abroad"),
    Indicator("inflows", "people per step", "new arrivals"),
    Indicator("returns", "people per step", "migrants who returned home"),
    Indicator("stranded", "people", "migrants who want to return but cannot"),
    Indicator("irregular_share", "share", "migrants abroad with irregular status"),
    Indicator("employment_rate", "share", "migrants abroad who are employed"),
    Indicator("brain_waste_rate", "share",
              "employed tertiary-educated migrants in jobs below their skill"),
    Indicator("migrant_earnings_usd_month", "USD per month",
              "average monthly earnings of employed migrants"),
    Indicator("remittances_sent_usd", "USD per step", "remittances sent, all channels, before fees"),
    Indicator("remittances_received_usd", "USD per step",
              "remittances received by households, all channels"),
    Indicator("remittances_formal_usd", "USD per step",
              "remittances received through formal channels (what WDI records)"),
    Indicator("remittance_fees_usd", "USD per step", "fees paid on remittances"),
    Indicator("formal_share", "share", "formal share of the amount sent"),
    Indicator("remittance_price_pct", "% of 200 USD",
              "SDG 10.c.1: average cost of sending, simple mean over corridors with flows"),
    Indicator("remittance_price_weighted_pct", "% of amount",
              "average cost of formal transfers, weighted by amount"),
    Indicator("recruitment_cost_months", "months of earnings",
              "SDG 10.7.1: worker-paid recruitment cost of regular arrivals in months of "
              "their expected monthly earnings"),
    Indicator("remittances_pct_gdp", "% of GDP",
              "SDG 17.3.2: formal remittances received by low- and middle-income countries "
              "(annual rate) as % of their GDP"),
    Indicator("returnees", "people", "returnees followed at home"),
    Indicator("reintegration_rate", "share", "followed returnees who are reintegrated"),
    Indicator("migrant_agents", "agents", "migrant agents in the arrays (a cost, not a result)"),
    Indicator("recognised_share", "share",
              "tertiary-educated migrants abroad with recognised credentials"),
    Indicator("account_share", "share", "migrants abroad with a bank or mobile-money account"),
    Indicator("household_income_usd", "USD per step",
              "income of households at origin from abroad: remittances received plus matches"),
    Indicator("matching_topup_usd", "USD per step", "remittance matches paid"),
    Indicator("origin_investment_usd", "USD per step",
              "remittances and matches earmarked for education and investment at origin"),
    Indicator("bonds_raised_usd", "USD per step", "diaspora bonds sold"),
    Indicator("bonds_repaid_usd", "USD per step", "diaspora bond coupons and principal paid"),
    Indicator("bonds_outstanding_usd", "USD", "diaspora bond principal outstanding"),
    Indicator("arrivals_irregular", "people per step", "arrivals through irregular routes"),
    Indicator("remigrants_regular", "people per step",
              "returnees going back to their former host through return-to-job agreements"),
    Indicator("debt_at_arrival_usd", "USD per person",
              "average debt of new arrivals (recruitment fees or smuggling costs)"),
    Indicator("arrivals_poorer_origins_share", "share",
              "arrivals from low and lower-middle income countries"),
    Indicator("job_losses", "people per step", "migrants who lost their job"),
    Indicator("wage_theft_usd", "USD per step", "earnings withheld from irregular migrants"),
    Indicator("wages_recovered_usd", "USD per step", "withheld earnings recovered"),
    Indicator("pension_rights_carried_usd", "USD per step",
              "pension rights carried home by returnees under portability agreements"),
    Indicator("pension_income_home_usd", "USD per year",
              "old-age income at home from the portable rights carried so far"),
    Indicator("policy_cost_origin_usd", "USD per step", "cost of policies to origin governments"),
    Indicator("policy_cost_destination_usd", "USD per step",
              "cost of policies to destination governments"),
    Indicator("policy_cost_employers_usd", "USD per step", "cost of policies to employers"),
    Indicator("policy_cost_facility_usd", "USD per step",
              "cost of policies and programmes to the financing facility"),
    Indicator("facility_members", "countries", "members of the financing facility"),
    Indicator("facility_fees_usd", "USD per step", "membership fees received by the facility"),
    Indicator("facility_grants_usd", "USD per step", "donor grants received by the facility"),
    Indicator("facility_bank_loans_usd", "USD per step",
              "concessional loans from development banks blended in"),
    Indicator("facility_cash_usd", "USD", "the facility's cash balance"),
    Indicator("facility_loans_outstanding_usd", "USD", "loans on-lent to members, outstanding"),
    Indicator("facility_crisis_response_usd", "USD per step", "programmes for crisis response"),
    Indicator("agreements_in_force", "agreements", "bilateral corridor agreements in force"),
    Indicator("agreements_formed", "agreements per step", "agreements signed"),
    Indicator("agreements_ended", "agreements per step", "agreements abandoned"),
    Indicator("agreement_coverage", "people", "migrants abroad on corridors with an agreement"),
) + tuple(Indicator(f"facility_theme_{t}_usd", "USD per step", f"facility programmes: {t}")
          for t in ("governance", "skilling", "technology", "protection", "irregular",
                    "partnerships"))
UNITS = {i.name: i.unit for i in INDICATORS}
LABELS = {i.name: i.label for i in INDICATORS}


def region_column(region: str) -> str:
    """Column name of the stock living in a destination region, e.g. `stock_in_south_asia`."""
    return "stock_in_" + re.sub(r"[^a-z0-9]+", "_", region.lower()).strip("_")


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b > 0 else 0.0


def _facility(model) -> dict[str, float]:
    """The facility's and the agreements' columns (zeros when there are none)."""
    fac, f = model.facility, model.flows
    out = {"facility_members": float(fac.member.sum()) if fac is not None else 0.0,
           "facility_fees_usd": float(f["facility_fees"][0]),
           "facility_grants_usd": float(f["facility_grants"][0]),
           "facility_bank_loans_usd": float(f["facility_bank_loans"][0]),
           "facility_cash_usd": fac.books["cash"] if fac is not None else 0.0,
           "facility_loans_outstanding_usd": (fac.books["loans_outstanding"]
                                              if fac is not None else 0.0),
           "facility_crisis_response_usd": float(f["facility_crisis_response"][0]),
           "agreements_in_force": (float(len(model.agreements.active))
                                   if model.agreements is not None else 0.0),
           "agreements_formed": float(f["agreements_formed"][0]),
           "agreements_ended": float(f["agreements_ended"][0]),
           "agreement_coverage": (model.agreements.coverage()
                                  if model.agreements is not None else 0.0)}
    for key in f:
        if key.startswith("facility_theme_"):
            out[f"{key}_usd"] = float(f[key][0])
    return out


def measure(model) -> dict[str, float]:
    """All indicators of the step just run, plus stocks by destination region (from the kept
    counts of `model.tallies` and the step's flows: no pass over the migrants)."""
    k, c, f, t = model.corridors, model.countries, model.flows, model.tallies
    abroad = t.people(on=S_ABROAD)
    employed = t.people(on=S_ABROAD | S_EMPLOYED)
    high_employed = t.people(on=S_ABROAD | S_HIGH | S_EMPLOYED)
    home = t.people(off=S_ABROAD)
    by_job = t.employed_by_job()
    earnings = float(sum((model.earnings[j] * (by_job[j, 0] + by_job[j, 1])).sum()
                         for j in range(4)))
    sent, formal_sent = f["sent"].sum(), f["formal_sent"].sum()
    with_flow = f["formal_sent"] > 0
    lmic = ~c.high_income & np.isfinite(c.gdp_usd)
    received_by = np.bincount(k.o, f["formal_received"], len(c.iso3))
    stock = model.stock_now
    out = {
        "year": model.start_year + (model.steps - 1) * model.dt,
        "migrant_stock": float(stock.sum()),
        "migrant_stock_high_skill": t.people(on=S_ABROAD | S_HIGH),
        "inflows": float(f["arrivals"].sum()),
        "returns": float(f["returns"].sum()),
        "stranded": float(f["stranded"][0]),
        "irregular_share": _ratio(t.people(on=S_ABROAD | S_IRREGULAR), abroad),
        "employment_rate": _ratio(employed, abroad),
        "brain_waste_rate": _ratio(t.people(on=S_ABROAD | S_HIGH | S_EMPLOYED, off=S_MATCHED),
                                   high_employed),
        "migrant_earnings_usd_month": _ratio(earnings, employed * 12.0 * model.dt),
        "remittances_sent_usd": float(sent),
        "remittances_received_usd": float(f["received"].sum()),
        "remittances_formal_usd": float(f["formal_received"].sum()),
        "remittance_fees_usd": float(f["fees"].sum()),
        "formal_share": _ratio(formal_sent, sent),
        "remittance_price_pct": float(k.price_pct[with_flow].mean()) if with_flow.any() else 0.0,
        "remittance_price_weighted_pct": 100.0 * _ratio(
            formal_sent - f["formal_received"].sum(), formal_sent),
        "recruitment_cost_months": _ratio(f["recruitment_cost_usd"][0],
                                          f["recruitment_earnings_usd"][0]),
        "remittances_pct_gdp": 100.0 * _ratio(received_by[lmic].sum() * model.steps_per_year,
                                              c.gdp_usd[lmic].sum()),
        "returnees": home,
        "reintegration_rate": _ratio(t.people(on=S_REINTEGRATED, off=S_ABROAD), home),
        "migrant_agents": float(model.migrants.n),
        "recognised_share": _ratio(t.people(on=S_ABROAD | S_HIGH | S_RECOGNISED),
                                   t.people(on=S_ABROAD | S_HIGH)),
        "account_share": _ratio(float(t.banked().sum()), abroad),
        "household_income_usd": float(f["received"].sum() + f["topup"].sum()),
        "matching_topup_usd": float(f["topup"].sum()),
        "origin_investment_usd": float(f["investment_usd"][0]),
        "bonds_raised_usd": float(f["bonds_raised_usd"][0]),
        "bonds_repaid_usd": float(f["bonds_repaid_usd"][0]),
        "bonds_outstanding_usd": float(sum(p.outstanding for p in model.policies.running()
                                           if p.name == "diaspora_bonds")),
        "arrivals_irregular": float(f["arrivals_irregular"].sum()),
        "remigrants_regular": float(f["remigrants"].sum()),
        "debt_at_arrival_usd": _ratio(f["arrival_debt_usd"][0], f["arrivals"].sum()),
        "arrivals_poorer_origins_share": _ratio(f["arrivals_poorer_origins"][0],
                                                f["arrivals"].sum()),
        "job_losses": float(f["job_losses"][0]),
        "wage_theft_usd": float(f["wage_theft_usd"][0]),
        "wages_recovered_usd": float(f["wages_recovered_usd"][0]),
        "pension_rights_carried_usd": float(f["pension_rights_carried_usd"][0]),
        "pension_income_home_usd": float(sum(p.carried / p.cfg.annuity_years
                                             for p in model.policies.running()
                                             if p.name == "social_security_portability")),
        "policy_cost_origin_usd": float(f["cost_origin"][0]),
        "policy_cost_destination_usd": float(f["cost_destination"][0]),
        "policy_cost_employers_usd": float(f["cost_employers"][0]),
        "policy_cost_facility_usd": float(f["cost_facility"][0]),
        **_facility(model),
    }
    by_region = np.bincount(c.region_code[k.d], stock, len(c.regions))
    for name, value in zip(c.regions, by_region):
        out[region_column(name)] = float(value)
    return out


# Headline outcomes of a run: what summary.json, sweep tables and run_model report.
HEADLINES: tuple[Indicator, ...] = (
    Indicator("migrant_stock_end", "people", "migrants abroad at the horizon"),
    Indicator("migrant_stock_change_pct", "%", "change of the migrant stock over the run"),
    Indicator("inflows_total", "people", "arrivals over the run"),
    Indicator("returns_total", "people", "returns over the run"),
    Indicator("remittances_received_total_usd", "USD", "remittances received over the run"),
    Indicator("remittances_formal_last_year_usd", "USD per year",
              "formal remittances received in the last simulated year"),
    Indicator("remittance_fees_total_usd", "USD", "fees paid over the run"),
    Indicator("formal_share_last_year", "share", "formal share of the amount sent, last year"),
    Indicator("remittance_price_pct_end", "% of 200 USD", "SDG 10.c.1 in the last step"),
    Indicator("recruitment_cost_months_last_year", "months of earnings",
              "SDG 10.7.1, mean over the last year's steps"),
    Indicator("remittances_pct_gdp_last_year", "% of GDP", "SDG 17.3.2, last year's mean"),
    Indicator("brain_waste_rate_end", "share", "brain-waste rate at the horizon"),
    Indicator("employment_rate_end", "share", "migrant employment rate at the horizon"),
    Indicator("irregular_share_end", "share", "irregular share at the horizon"),
    Indicator("reintegration_rate_end", "share", "reintegration rate at the horizon"),
    Indicator("stranded_max", "people", "most migrants stranded at one time"),
    Indicator("household_income_total_usd", "USD", "household income from abroad over the run"),
    Indicator("brain_waste_rate_mean", "share", "brain-waste rate, mean over the run"),
    Indicator("recognised_share_end", "share", "recognised share of skilled migrants at the end"),
    Indicator("job_losses_total", "people", "job losses over the run"),
    Indicator("arrivals_irregular_total", "people", "irregular arrivals over the run"),
    Indicator("policy_cost_total_usd", "USD", "cost of all policies over the run, all payers"),
)


def headline(model) -> dict[str, float]:
    """Headline outcomes of a finished (or partly run) model, as plain floats."""
    ts = model.datacollector.get_model_vars_dataframe()
    if ts.empty:
        raise ValueError("the model has not run any step yet")
    last = ts.iloc[-1]
    year = ts.iloc[-model.steps_per_year:]
    start = float(model.corridors.stock0.sum())
    return {
        "migrant_stock_end": float(last["migrant_stock"]),
        "migrant_stock_change_pct": 100.0 * _ratio(float(last["migrant_stock"]) - start, start),
        "inflows_total": float(ts["inflows"].sum()),
        "returns_total": float(ts["returns"].sum()),
        "remittances_received_total_usd": float(ts["remittances_received_usd"].sum()),
        "remittances_formal_last_year_usd": float(year["remittances_formal_usd"].sum()),
        "remittance_fees_total_usd": float(ts["remittance_fees_usd"].sum()),
        "formal_share_last_year": _ratio(float((year["formal_share"]
                                                * year["remittances_sent_usd"]).sum()),
                                         float(year["remittances_sent_usd"].sum())),
        "remittance_price_pct_end": float(last["remittance_price_pct"]),
        "recruitment_cost_months_last_year": float(year["recruitment_cost_months"].mean()),
        "remittances_pct_gdp_last_year": float(year["remittances_pct_gdp"].mean()),
        "brain_waste_rate_end": float(last["brain_waste_rate"]),
        "employment_rate_end": float(last["employment_rate"]),
        "irregular_share_end": float(last["irregular_share"]),
        "reintegration_rate_end": float(last["reintegration_rate"]),
        "stranded_max": float(ts["stranded"].max()),
        "household_income_total_usd": float(ts["household_income_usd"].sum()),
        "brain_waste_rate_mean": float(ts["brain_waste_rate"].mean()),
        "recognised_share_end": float(last["recognised_share"]),
        "job_losses_total": float(ts["job_losses"].sum()),
        "arrivals_irregular_total": float(ts["arrivals_irregular"].sum()),
        "policy_cost_total_usd": float(ts[[f"policy_cost_{p}_usd" for p in
                                           ("origin", "destination", "employers",
                                            "facility")]].sum().sum()),
    }
