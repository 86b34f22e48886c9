"""The release-planning domain: items, releases, versions, the calendar, stages, rules and status.

Pure Python, no I/O: nothing here reads a file, a tracker or a repository.
"""
