"""Root pytest configuration: loads the course's test harness for every test."""

pytest_plugins = ["course.testing.plugin"]
