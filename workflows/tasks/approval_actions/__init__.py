"""The approval-app conventions on a case: 转交, 退回, 加签, 撤回, 催办, 抄送 and comments.

Each is one use case in its own module, allowed per user task by the diagram
(``approvalActions``, ``workflows/engine/approval.py``), recorded in the instance's hash-chained
history, and, where it moves the case (退回, 撤回), driven by the engine's own operations so
replay repeats it (``workflows/audit/replay_approval.py``).
"""
