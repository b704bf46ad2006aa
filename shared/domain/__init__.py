"""The vocabulary and rules of the Ethics Office. Pure Python: no I/O, no SDK."""
