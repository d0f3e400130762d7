"""Load measurements of the running app on the large demo (`python -m tests.perf.run`); not in the default test run."""
