"""What a design folder holds: its files, and the labels of its indices table.

    DIR/problem.yaml   the design's record (`sample`): method, parameters, bounds, commands
    DIR/sample.csv     its design points (read by a run through `model.design`)
    DIR/runs/, noise/  the sweep of the design and the seed-noise runs (Hydra)
    DIR/indices.csv    the indices (`analyse`), read back by `sample --from-morris`
    DIR/sensitivity.png, sensitivity_effects.png   their figures (`plot`)
"""

SAMPLE = "sample.csv"
PROBLEM = "problem.yaml"
INDICES = "indices.csv"
FIGURE = "sensitivity.png"
EFFECTS_FIGURE = "sensitivity_effects.png"
# Labels in the indices table: the scenario of the levels, and two rows that are no parameter.
BASELINE = "baseline"
NOISE = "(seed noise)"
DESIGN = "(design)"  # an outcome's mean (value) and standard deviation (conf) over the design
