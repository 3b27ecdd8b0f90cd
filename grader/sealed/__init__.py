"""Sealed grading: the verdict is computed where the learner's code never runs."""
