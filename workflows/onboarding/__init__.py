"""Onboarding a school: spreadsheet imports, administering people and accounts, and the
directory's history.

Use cases:
- ``imports.preview_import``, ``imports.confirm_import``, ``imports.discard_import``: an
  Excel/CSV import, previewed, then written all or nothing;
- ``people_admin.create_person``, ``edit_person``, ``disable_person``, ``reset_password``,
  ``move_learner``, ``give_position``, ``end_position``.
Every change is a ``history`` entry with actor and before/after.
"""
