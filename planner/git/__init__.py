"""Git evidence for release planning: backport marks, backport status per branch, release history.

Read-only on the repository and batched (a few ``git`` processes per scan,
never one per commit). Entry points: :func:`relplan.planner.git.backports.scan`,
:func:`relplan.planner.git.join.git_evidence`,
:func:`relplan.planner.git.history.history_from_tags`.
"""
