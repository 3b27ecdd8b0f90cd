"""SQL for a trigger that makes the database refuse some rows, in each database's own words.

A database refuses one row among several (a constraint, a deadlock, a full
disk) whichever way the rows are sent: one INSERT per row, or one for them
all (`bulk_create`). A trigger refuses by row, so a test can fail a write
midway without guessing how the view writes. Plain strings, no imports: the
exercise tests use it through `Queries.refuse`, and the sealed grader's
outside checks put the same trigger into the learner server's database.
"""

REFUSED = "the database refused this row"
TRIGGER = "awaitlings_refuses_a_row"


def refusing(vendor: str, table: str, condition: str) -> list[str]:
    """Statements that make `vendor`'s database refuse each new row of `table` for which
    `condition` (SQL on `NEW`) holds, with an integrity error naming REFUSED."""
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON {table} WHEN {condition}"
            f" BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
        ]
    return [  # PostgreSQL; check_violation is what Django reports as an IntegrityError
        f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF {condition} THEN RAISE EXCEPTION USING ERRCODE = 'check_violation',"
        f" MESSAGE = '{REFUSED}'; END IF; RETURN NEW; END $$",
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
    ]


def not_refusing(vendor: str, table: str) -> list[str]:
    """Statements that take the trigger of `refusing` away again."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {TRIGGER}"]
    return [
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}",
        f"DROP FUNCTION IF EXISTS {TRIGGER}()",
    ]
