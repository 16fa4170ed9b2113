"""The school directory: units, people, enrolments, positions, and who a task is addressed to."""
