"""audit: proving a case's history was not altered, and showing it.

Use cases:
- ``verify.verify_trail``: verify every hash chain (and attached file), then anchor the heads;
  ``verify.adopt_unkeyed_history`` once after the keyed-chain upgrade;
- ``access_log.record_access``: an auditor's or staff member's read of personal data.
Readers: ``views`` (timeline, search, data at a point), ``replay`` (re-run a case from its
inputs and compare), ``collect`` + ``export_format`` (the signed export and its offline
verifier), ``anchor`` (signed chain heads), ``data_diff``.
"""
