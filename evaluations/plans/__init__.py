"""Agenda perubahan: culture teams, roadmaps and per-round action plans (issue 8)."""
