"""instances: cases as a whole.

Use cases:
- ``lifecycle.start_instance``: start a version and run it until it waits on people;
- ``control.suspend_instance``, ``control.resume_instance``, ``control.terminate_instance``:
  an administrator's hand on a running case;
- ``attachments.list_case_attachments``, ``attachments.open_attachment``: a case's files, for
  those who may see the case (reads logged).
Used by the other writers: ``run_store.store_progress`` (store what one engine run did, read
from its ``RunResult``), ``wait_rows.sync_waits`` (timer, message and job rows),
``runaway.record_runaway`` (a run past its budget becomes an incident).
"""
