"""relplan's domain: models, calendar, laying items, status, plan files, tracker and git adapters.

Pure Python; never imports textual or rich (tests/test_layering.py checks it).
"""
