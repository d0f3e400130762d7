"""Scheduled jobs: functions in topic modules, their timing declared in `jobs/schedule.py`."""
