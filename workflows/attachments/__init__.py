"""Attachments: uploaded files, where they are stored, what they may be, and who reads them.

Use cases:
- ``uploads.save_upload``: keep a received file (content sniffed, size-limited) as the
  actor's upload;
- ``uploads.remove_orphans``: remove uploads never attached after a day.
Also: ``store`` (content-addressed, a local directory or the database in chunks), ``fields``
(the attachment field kind of forms and its rules), ``sniff`` and ``spool``.
"""
