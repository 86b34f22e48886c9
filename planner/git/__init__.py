"""Git evidence for release planning: backport marks, backport status per branch, release history.

Read-only on the repository and batched (a few ``git`` processes per scan,
never one per commit). Entry points: :func:`planner.git.backports.scan`,
:func:`planner.git.join.git_evidence`, :func:`planner.git.history.history_from_tags`.
"""
