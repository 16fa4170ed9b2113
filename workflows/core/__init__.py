"""core: what every use case stands on.

Nothing here is a use case. It holds the unit of work (``unit_of_work.UnitOfWork``, one
transaction, and ``units_of`` for work of many), the runtime that an app builds once
(``runtime.Runtime``: clock, calendar, hasher, limits, job dispatch), the domain errors the API
turns into problems, actors, the hash-chained history's write side, the job dispatch port, the
working-day calendar (the bundled file overlaid with the revisions stored in the database,
``calendar_store``), citizen ID numbers and stored blobs.
"""
