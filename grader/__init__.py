"""`python grader`: runs the exercises and tells the learner where they stand."""
