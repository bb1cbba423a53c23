"""Forms for surveys (docs/ARCHITECTURE.md §2): `filling.py` (answers), `instruments.py`,
`rounds.py` (the round's instruments) and `paper.py` (paper answers' upload) for admins."""
