"""Services: the only code that writes master data. Views, the API and the CLI call these.

- catalogs.load_catalogs()               regions tree, variables, indicators, departments
- plans.load_plan_into_db(code_or_path)  a plan file into Plan/Programme/Target/... rows
- observations.record_observation(...)   one value, as a new version when it changed
- imports.import_statistics(path, ...)   a statistics file, all-or-nothing
"""
