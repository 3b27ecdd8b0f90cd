"""The course's test harness: probes that catch blocking and missing concurrency.

Exercise tests use it through the fixtures in `course.testing.plugin`
(`client`, `upstream`, `thread_probe`…). One module per probe: `upstream`
(fake slow API with a rendezvous), `blocking`, `awaits` (missing await),
`threads`, `network`, `watchdog`, and `client`, which turns what they find
into the lesson's message. Nothing is imported here, so the grader can read
`watchdog.HUNG_MARK` without loading Django.
"""
