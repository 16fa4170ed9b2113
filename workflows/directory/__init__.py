"""The school directory: units, people, enrolments, positions, and who a task is addressed to.

Use cases:
- ``positions.appoint_to_unit``: give a role at a unit (with ``replace``, open tasks are handed
  over to the new holder);
- ``positions.declare_conflict`` (回避声明); 代理 is named and ended in
  ``workflows.onboarding.substitutes`` (each is a directory history entry);
- ``imports.import_people``: add people with enrolments, positions and accounts (the demo
  school).
Readers: ``reads`` (``/me``, the unit tree, people search), ``addresses`` (a task's performer
expression resolved to a role at a unit), ``acting`` (the positions an actor holds today, and
those they stand in for), ``relations`` (recusal by class, employer and declared conflict).
"""
