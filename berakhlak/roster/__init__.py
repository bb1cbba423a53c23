"""Roster import: read an .xlsx workbook, plan the changes, apply them all or nothing.

reader.py turns a workbook into plain rows, planner.py validates them against the database and
counts what would change, writer.py applies a valid plan, services.py drives an upload through
preview and confirmation (tasks.py are the Celery wrappers).
"""
