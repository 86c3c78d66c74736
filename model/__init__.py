"""An agent-based model (Mesa) of international migration corridors and the partnership
policies of the GFMD 2020 Theme 6 background paper.

    from model import MigrationModel
    m = MigrationModel(world="default", end_year=2025, rng=1)
    m.run()
    m.datacollector.get_model_vars_dataframe()
"""

from model.model import MigrationModel
from model.runner import run_model

__all__ = ["MigrationModel", "run_model"]
