"""Application services: one module per use case, under the CLI, the web pages, the API and jobs.

Every service function takes plain parameters and an `Actor` (who is asking, for scope) and returns
plain data (dataclasses, dicts, lists). It knows nothing of click, HTTP or templates. Permissions and
region/enterprise scope are decided here, in `ecer.services.actor`, and nowhere else, so no page or
endpoint can forget them.

Import direction (held by tests/test_layers.py): catalogs/plans/core/hj212 ← accounting/masterdata/
monitoring ← services ← cli/web/site/api/gateway.
"""
