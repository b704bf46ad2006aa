"""Ethics Office intake: shared code of every function."""
