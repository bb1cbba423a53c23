"""Forms for surveys (docs/ARCHITECTURE.md §2): `filling.py` (answers), `instruments.py` (admin)."""
