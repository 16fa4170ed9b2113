"""Internals of the script sandbox; import the public API from ``workflows.engine.script_env``.

One module per job: ``errors`` (what callers catch), ``policy`` (compile-time rules),
``guards`` (runtime size checks), ``safe_builtins`` (what a script can name), ``namespace``
(what it can touch) and ``watchdog`` (time and memory limits).
"""
