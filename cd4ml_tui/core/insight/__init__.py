"""Insight: which params move which metric, across many revisions, with pandas doing the maths.

Per param, the Spearman and Pearson correlation with a chosen metric (`DataFrame.corr`, which
needs no scipy) and the metric's best value for each value of the param (`groupby`); per metric,
summary statistics and the best revision by the metric's direction (`core.compare`'s rule); and
the data of a parallel-coordinates chart. The frames come from `core.table`'s `to_frame`.
pandas is imported lazily, inside the functions that compute, so that listing and painting never
pay for it.

May import `core.compare`, `core.table` and below.
"""
