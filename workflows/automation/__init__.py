"""automation: what moves cases on without a person.

Use cases:
- ``timers.fire_due_timers`` (and ``timers.fire_claimed``, ``timer_claims.claim_due`` /
  ``claim_one`` / ``release_stale_claims`` for workers): fire each due timer exactly once;
  ``demo_timers.fire_timer_now`` in demo mode;
- ``messages.deliver_message``: hand a message to the instances waiting for it;
- ``service_jobs.run_service_job``, ``service_jobs.requeue_stale_jobs``: service tasks run in
  the background, retried, then an incident;
- ``incidents.raise_incident``, ``incidents.retry_incident``;
- ``notifications``: what people are told (reminders, escalations, notices);
- ``holiday_calendar.save_year`` / ``change_day``: administrators keep the holidays and 调休
  workdays of each year current (节假日日历).
"""
