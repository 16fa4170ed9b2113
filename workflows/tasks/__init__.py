"""tasks: the work people do in a case.

Use cases:
- ``actions.claim_task``, ``actions.release_task``, ``actions.complete_task``;
- ``batch.complete_many``: bulk completion, one transaction per task;
- the approval actions (``approval_actions``): ``transfer_task`` (转交), ``send_back_task``
  (退回), ``request_opinion`` / ``give_opinion`` (加签), ``withdraw_case`` (撤回),
  ``copy_case`` (抄送), ``remind_case`` (催办), ``comment_on_case``.
Readers: ``inbox`` (one indexed query per page), ``applicant_view`` (我的申请), ``summaries``
(a task's declared summary fields), ``task_guidance`` (a 补正 task's reason and deadline);
``duties`` enforces separation of duties on claim and complete.
"""
