"""Writes for surveys, one module per concern: rounds (open/invite), instruments, filling, imports."""
