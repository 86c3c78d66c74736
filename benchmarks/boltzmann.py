"""The reference: Mesa's own idiomatic per-agent Boltzmann wealth model.

As in Mesa's tutorial and examples (mesa/examples/basic/boltzmann_wealth_model), each agent with
wealth gives one unit to another agent drawn at random, agents act in random order
(`shuffle_do`). One change from the tutorial, as the benchmark brief asks: the list of agents to
draw from is cached once per step instead of being rebuilt on every draw (which would make the
reference O(N^2), see ../shared/PITFALLS.md).
"""

from __future__ import annotations

import mesa


class MoneyAgent(mesa.Agent):
    """An agent with some units of wealth."""

    def __init__(self, model):
        super().__init__(model)
        self.wealth = 1

    def exchange(self) -> None:
        """Give one unit of wealth to a randomly chosen agent."""
        if self.wealth > 0:
            other = self.random.choice(self.model.agent_list)
            other.wealth += 1
            self.wealth -= 1


class BoltzmannWealth(mesa.Model):
    """N agents exchanging wealth at random."""

    def __init__(self, n: int = 100, rng=None):
        super().__init__(rng=rng)
        MoneyAgent.create_agents(self, n)
        self.agent_list = list(self.agents)

    def step(self) -> None:
        self.agent_list = list(self.agents)  # cached once per step
        self.agents.shuffle_do("exchange")
