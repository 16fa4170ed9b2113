"""certification: 职业技能等级认定 beyond the diagrams.

Use cases:
- ``plans.publish_plan``: a versioned 认定计划 that applications are made against;
- ``notices.raise_objection``: an objection during 公示, from anyone, to the 质量监督小组;
- ``register.issue``, ``register.reissue``, ``register.revoke``: the certificate register.
Also: ``services`` (the service functions the diagrams call), ``appeals`` (score re-checks),
``application_checks`` (identity, duplicate and prior-certificate checks), ``reports``.
"""
