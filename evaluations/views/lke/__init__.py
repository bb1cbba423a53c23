"""Views of the institutional assessment (LKE); URLs in evaluations/urls/lke.py."""
