"""Onboarding a school: spreadsheet imports, administering people and accounts, and the
directory's history."""
