"""Institutional assessment (LKE): worksheet, agency self-assessment, evidence, review, scores."""
