"""Views of the evaluations app: rounds (`rounds.py`), the LKE (`lke/`), action plans (`plans.py`).

URLs in evaluations/urls/; nothing is re-exported here.
"""
