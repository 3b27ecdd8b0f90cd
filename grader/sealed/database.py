"""The database of a sealed grade: stocked by the trusted course, read back by the grader.

The models and migrations are the trusted course's and only the views come
from the submission, so the trusted side migrates and stocks one database
(each scenario's `rows`) before any learner code runs, and every exercise's
server gets a fresh copy of it:

- SQLite (the default): a file, copied into the server's own folder; the
  grader reads rows from a copy of that file it makes itself, opened as a
  regular file and never through a link;
- PostgreSQL, when the grader's `DATABASE_URL` names a server (as plain
  grading would use it): a template database, and a database made from it for
  each server; the tests run on that server too, each exercise with a test
  database of its own. The grader reads rows over its own connection.

On PostgreSQL the learner's code holds the server's credentials, as any
Django app does: give a sealed grade a database server of its own (see
docs/grading.md).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit

MAX_DATABASE = 64 << 20  # bytes of a learner server's SQLite database the grader reads at most
_names = count()


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql")


class Stock:
    """One stocked database, and a fresh copy of it for each exercise's server.

    `url` is the grader's DATABASE_URL: a PostgreSQL server, or empty for SQLite.
    """

    def __init__(self, trusted: Path, scratch: Path, rows: str, url: str = "") -> None:
        self.postgres = is_postgres(url)
        self.url = url
        self.prefix = f"awaitlings_sealed_{os.getpid()}_{next(_names)}"
        self.made: list[str] = []  # PostgreSQL databases to drop at the end
        self.lock = threading.Lock()  # a template is copied by one CREATE DATABASE at a time
        if self.postgres:
            self.template = self._create(f"{self.prefix}_stock")
            self.stock_url = with_name(url, self.template)
        else:
            self.template = str(scratch / "stocked.sqlite3")
            self.stock_url = f"sqlite:///{self.template}"
        commands = [["migrate", "--verbosity", "0"]]
        if rows:
            commands.append(["shell", "--verbosity", "0", "--command", rows])
        try:
            for command in commands:
                django(trusted, self.stock_url, command)
        except BaseException:
            self.close()  # a PostgreSQL template made for nothing is dropped
            raise

    def for_server(self, name: str, folder: Path, user: tuple[int, int] | None) -> str:
        """A fresh copy of the stock for the server of exercise `name`: its DATABASE_URL.

        `folder` is new and the grader's: no link of the learner's can be in its path.
        """
        if self.postgres:
            with self.lock:
                return with_name(self.url, self._create(f"{self.prefix}_{name}", self.template))
        copy = folder / "db.sqlite3"
        copy.write_bytes(Path(self.template).read_bytes())
        if user:
            os.chown(copy, *user, follow_symlinks=False)
        return f"sqlite:///{copy}"

    def for_tests(self, name: str) -> dict[str, str]:
        """The tests' environment: PostgreSQL's URL and a test database of the exercise's own
        (in a PID namespace, every test process has the same pid: settings cannot tell them
        apart by it). Nothing for SQLite: the tests keep their own in-memory database."""
        if not self.postgres:
            return {}
        test_database = f"test_{self.prefix}_{name}"
        self.made.append(test_database)  # pytest-django drops it, unless the run is killed
        return {"DATABASE_URL": self.url, "AWAITLINGS_TEST_DATABASE": test_database}

    def close(self) -> None:
        if self.postgres:
            with self._admin() as connection:
                for name in [*self.made, self.template]:
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _create(self, name: str, template: str = "") -> str:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(
                f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
            )
        if template:
            self.made.append(name)
        return name

    def _admin(self):
        import psycopg  # the dev extra's; only a PostgreSQL grade needs it

        return psycopg.connect(self.url, autocommit=True)


def with_name(url: str, name: str) -> str:
    """`url` naming the database `name` on the same server."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def django(trusted: Path, url: str, command: list[str]) -> str:
    """`python -m django <command>` on the trusted course, against the database at `url`, in
    an environment of its own (nothing of the grader's): what it printed."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "course.settings",
        "DATABASE_URL": url,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "django", *command],
        cwd=trusted,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"`python -m django {' '.join(command)}` failed in {trusted} with exit status "
            f"{done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done.stdout


class DatabaseTrouble(Exception):
    """The grader could not read or lock the learner server's database (the learner's server
    owns it, and may have broken it)."""


@contextlib.contextmanager
def troubles() -> Iterator[None]:
    """Whatever goes wrong with the learner server's database, as `DatabaseTrouble`."""
    try:
        yield
    except (OSError, sqlite3.Error) as error:
        raise DatabaseTrouble(str(error)) from error
    except Exception as error:
        if type(error).__module__.startswith("psycopg"):
            raise DatabaseTrouble(str(error)) from error
        raise


def rows_of(url: str, query: str) -> list[tuple]:
    """Rows the grader reads itself from a learner server's database (its DATABASE_URL).

    A SQLite file sits in the learner's folder, so the grader copies it first,
    opened as a regular file and never through a link, and reads the copy.
    """
    with troubles():
        return _rows_of(url, query)


def _rows_of(url: str, query: str) -> list[tuple]:
    if is_postgres(url):
        import psycopg

        with psycopg.connect(url) as connection:
            return connection.execute(query).fetchall()
    database = Path(urlsplit(url).path[1:])
    with tempfile.TemporaryDirectory(prefix="awaitlings-rows-") as scratch:
        copy = Path(scratch) / "copy.sqlite3"
        source = os.open(database, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(source, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise OSError(f"{database.name} is not a regular file")
            copy.write_bytes(file.read(MAX_DATABASE))
        with contextlib.closing(sqlite3.connect(copy)) as connection:
            return connection.execute(query).fetchall()


# Run by the server's user: `python -I -c ADD_ROWS <database> <statements>`
ADD_ROWS = (
    "import sqlite3, sys\n"
    "connection = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "connection.executescript('BEGIN;' + sys.argv[2] + ';COMMIT;')\n"
    "connection.close()\n"
)


def add_rows(url: str, statements: str, python: Callable[..., tuple[int, str]]) -> None:
    """Run `statements` (SQL that adds rows) on a learner server's database, between requests.

    PostgreSQL: over the grader's own connection. SQLite: in place (a connection the server
    keeps open sees the rows), by `python` (`Site.python`: code run as the server's user, in
    its sandbox): the file, and the journal SQLite writes beside it, are in the learner's
    folder, where a link could lead a process of the grader's anywhere.
    """
    with troubles():
        if is_postgres(url):
            import psycopg

            with psycopg.connect(url) as connection:
                connection.execute(statements)  # type: ignore[arg-type]
            return
    status, output = python(ADD_ROWS, urlsplit(url).path[1:], statements)
    if status:
        raise DatabaseTrouble(f"rows could not be added: {output.strip()[-500:]}")


def queries_so_far(url: str, pid: int) -> int | None:
    """A count that grows by one with each query the server (process `pid`, its SQLite
    database at `url`) has sent its database; None when it cannot be read. Compare two counts
    taken around requests, never a count with a constant.

    The read syscalls of the server's process (`syscr` of /proc/<pid>/io, the kernel's;
    readable with the ptrace access LoopWatch needs): before each statement outside a
    transaction SQLite reads the file's change counter. Measured, exercise 14: a catalogue of
    4 products, 7 reads a request with `select_related`, 11 with a query per product, the
    same in every run (socket reads are not counted). None on PostgreSQL: its own counts
    (`pg_stat_database`'s transactions) reach the grader late and take in autovacuum's, and
    were seen 2 off either way, where an N+1 page differs by 3.
    """
    if is_postgres(url):
        return None
    try:
        with open(f"/proc/{pid}/io") as io:
            fields = dict(line.split(":", 1) for line in io.read().splitlines())
        return int(fields["syscr"])
    except (OSError, KeyError, ValueError):
        return None


@contextlib.contextmanager
def held(url: str, table: str, seconds: float) -> Iterator[None]:
    """`table` locked by the grader for `seconds`: a query of it waits, as on a busy database
    (SQLite locks its whole file). Raises `DatabaseTrouble` when it cannot be locked."""
    with troubles():
        connection = _locked(url, table)
    try:
        release = threading.Timer(seconds, connection.rollback)
        release.start()
        try:
            yield
        finally:
            release.join()
    finally:
        connection.close()


def _locked(url: str, table: str):
    if is_postgres(url):
        import psycopg

        connection = psycopg.connect(url)
        connection.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        return connection
    database = Path(urlsplit(url).path[1:])
    if not stat.S_ISREG(database.lstat().st_mode):  # the server's folder: never follow a link
        raise OSError(f"{database.name} is not a plain file any more")
    connection = sqlite3.connect(
        f"{database.as_uri()}?mode=rw", uri=True, isolation_level=None, check_same_thread=False
    )
    connection.execute("BEGIN EXCLUSIVE")
    return connection
