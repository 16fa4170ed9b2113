"""definitions: the processes certflow can run.

Use cases:
- ``deploy.deploy_definition``: validate a bundle (BPMN, DMN, forms) and store it as the next
  version.
Readers: ``spec_cache`` (parsed specs by definition id, cache first), ``forms`` (a task's JSON
Schema form and its server-side checks), ``bundles`` (the files that belong together).
"""
