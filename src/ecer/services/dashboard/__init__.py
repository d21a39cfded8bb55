"""Use case: the dashboards (驾驶舱, region, indicator, drill-down, decomposition and assessment pages).

Pages read precomputed progress (`cache`: one computation per plan, year and data version) and get
plain view-models from the modules here; scope is applied here with the actor, never in views.
"""
