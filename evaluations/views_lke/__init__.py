"""Views of the institutional assessment (LKE); URLs in evaluations/urls_lke.py."""
