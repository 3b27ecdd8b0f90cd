"""The grader's side of the warm worker (`grader.worker`): start it, hand it runs, end them.

`python grader watch` starts one worker and hands it every run: each run is
then a fork of a process that has pytest and the harness imported already,
instead of a new Python. A worker serves only the course it was started in,
and only while the environment is the one it was started with (a run must see
what a fresh process would). Whenever it cannot serve (it could not start, it
refused, it died, or it stopped answering), the run goes the plain way, as a
subprocess (`grader.run`), with the same verdict, a little later; and nothing
is said, as there is nothing the learner could do about it. A worker that
died is started again, at most a few times, for the runs after.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

READY_WITHIN = 30.0  # seconds a worker may take to warm up (2 to 3 s at a load of 6 here)
ANSWER_WITHIN = 10.0  # seconds a warm worker may take to answer
RESTARTS = 3  # workers started again after one died, in the life of a grader
MAX_MESSAGE = 1 << 16  # bytes of one message of the worker's (a few dozen)
RESULTS_VARIABLE = "AWAITLINGS_RESULTS"  # each run's own: not part of a worker's environment


class WorkerGone(Exception):
    """The worker died or stopped answering in the middle of a run: run it the plain way."""


class WarmWorker:
    """A warm worker for the course at `root`, serving runs of `python -m pytest` with
    `options` (warmed up with them); one run at a time. Close it when done."""

    def __init__(self, root: Path, options: list[str]) -> None:
        self.root = root.resolve()
        self.options = list(options)
        self.environment = environment_of(dict(os.environ))
        self.served = 0  # runs forked, by this worker and those started again after it
        self._restarts = RESTARTS
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: socket.socket | None = None
        self._ready = False
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "grader.worker", str(theirs.fileno()), *self.options],
                cwd=self.root,
                env=self.environment,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,  # Ctrl-C is the grader's to handle; its end ends the worker
            )
        except OSError:
            ours.close()
        else:
            self._channel = ours
        finally:
            theirs.close()
        self._ready = False

    @property
    def pid(self) -> int | None:
        """The worker process's, while there is one."""
        return self._process.pid if self._process else None

    def serves(self, root: Path, environment: dict[str, str]) -> bool:
        """True if a run in `root` with `environment` would be what a fresh process runs."""
        return root.resolve() == self.root and environment_of(environment) == self.environment

    def start(
        self, root: Path, arguments: list[str], environment: dict[str, str]
    ) -> WarmChild | None:
        """Fork a run of `python -m pytest ARGUMENTS` in `root`; None if this worker cannot."""
        if self._channel is None or not self.serves(root, environment) or not self._warm():
            return None
        reading, writing = os.pipe()
        request = {"args": arguments, "env": environment, "cwd": str(self.root)}
        try:
            socket.send_fds(self._channel, [json.dumps(request).encode()], [writing])
            answer = self.receive(ANSWER_WITHIN)
        except (OSError, WorkerGone):
            answer = None
        finally:
            os.close(writing)
        if not answer or not isinstance(answer.get("started"), int):
            os.close(reading)
            self.gone()
            return None
        self.served += 1
        return WarmChild(self, answer["started"], open(reading, "rb"))

    def _warm(self) -> bool:
        """Wait until the worker is warm; False if it refused, died or took too long."""
        if not self._ready:
            try:
                answer = self.receive(READY_WITHIN)
            except WorkerGone:
                answer = None
            self._ready = bool(answer and answer.get("ready"))
            if not self._ready:
                refused = bool(answer and "refused" in answer)
                self.gone(again=not refused)  # a refusal would be the same next time
        return self._ready

    def send(self, message: dict[str, Any]) -> None:
        if self._channel is None:
            raise WorkerGone
        try:
            self._channel.send(json.dumps(message).encode())
        except OSError as error:
            raise WorkerGone from error

    def receive(self, timeout: float | None) -> dict[str, Any] | None:
        """The worker's next message, or None if none came within `timeout` seconds."""
        if self._channel is None:
            raise WorkerGone
        try:
            readable, _, _ = select.select([self._channel], [], [], timeout)
            if not readable:
                return None
            message = self._channel.recv(MAX_MESSAGE)
        except OSError as error:
            raise WorkerGone from error
        if not message:
            raise WorkerGone
        answer = json.loads(message)
        return answer if isinstance(answer, dict) else {}

    def gone(self, again: bool = True) -> None:
        """The worker cannot serve: end it, and start another (`again`) for the next runs."""
        self._stop()
        if again and self._restarts > 0:
            self._restarts -= 1
            self._start()

    def _stop(self, grace: float = 0) -> None:
        if self._channel is not None:
            # The worker exits when it sees this end close, after killing the session of
            # a run still going (the grader was interrupted in the middle of it).
            self._channel.close()
            self._channel = None
        if self._process is not None:
            try:
                self._process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def close(self) -> None:
        self._stop(grace=ANSWER_WITHIN if self._ready else 0)

    def __enter__(self) -> WarmWorker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def environment_of(environment: dict[str, str]) -> dict[str, str]:
    """The environment a worker is started with for runs with `environment`."""
    kept = {name: value for name, value in environment.items() if name != RESULTS_VARIABLE}
    return {**kept, "PYTHONDONTWRITEBYTECODE": "1"}


class WarmChild:
    """A run forked by the worker, with what `grader.run` uses of a `Popen`.

    The worker is its parent: it says when the run exited (and leaves it unreaped,
    so that its pid cannot be another process's meanwhile), and on `end()` kills
    its session and reaps it.
    """

    def __init__(self, worker: WarmWorker, pid: int, stdout: IO[bytes]) -> None:
        self.pid = pid
        self.stdout = stdout
        self.returncode: int | None = None
        self._worker = worker

    def poll(self) -> int | None:
        if self.returncode is None:
            self._listen(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self._listen(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired("pytest", timeout or 0)
        return self.returncode

    def _listen(self, timeout: float | None) -> None:
        answer = self._worker.receive(timeout)
        if answer is not None and isinstance(answer.get("exited"), int):
            self.returncode = answer["exited"]

    def end(self) -> None:
        """Kill the run's session, as a plain run's is killed; the worker reaps it."""
        try:
            self._worker.send({"end": True})
            while (answer := self._worker.receive(ANSWER_WITHIN)) is not None:
                if "ended" in answer:
                    return
            raise WorkerGone
        except WorkerGone:
            # Its parent is gone or stuck: kill the session from here. Once the worker is
            # ended, its child is init's to reap.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            self._worker.gone()
