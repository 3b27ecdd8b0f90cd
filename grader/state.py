"""The learner's own state: hints seen, backups of their work, their latest live runs.

It lives in `.awaitlings/` at the root of the course, which git ignores, so a
`git pull` of new exercises never conflicts with it and nothing of it is graded.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from course.catalog import Exercise


class State:
    def __init__(self, root: Path) -> None:
        self.folder = root / ".awaitlings"
        self.file = self.folder / "state.json"

    def _load(self) -> dict:
        """The state as kept; what is unreadable or not what this class writes counts as none."""
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # ValueError: not JSON, or not UTF-8
            data = {}
        if not isinstance(data, dict):
            data = {}
        if not isinstance(data.get("hints_seen"), dict):
            data["hints_seen"] = {}
        return data

    def hints_seen(self, exercise: Exercise) -> int:
        return _count(self._load(), exercise)

    def reveal_hint(self, exercise: Exercise) -> int:
        """Count one more hint as seen (up to all of them); return how many are seen now."""
        data = self._load()
        seen = data["hints_seen"]
        seen[exercise.id] = min(_count(data, exercise) + 1, len(exercise.hints))
        self.folder.mkdir(exist_ok=True)
        self.file.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return seen[exercise.id]

    def live_page(self, exercise: Exercise) -> Path:
        """Where the page of the latest `python grader live` of `exercise` is kept."""
        return self.folder / "live" / f"{exercise.folder}.html"

    def keep_live_page(self, exercise: Exercise, page: str) -> None:
        """Keep `page` for the progress page to show; a read-only checkout keeps none."""
        path = self.live_page(exercise)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page, encoding="utf-8")
        except OSError:
            pass

    def back_up(self, exercise: Exercise) -> Path:
        """Copy the learner's editable files of `exercise` to a new timestamped folder."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        backup = self.folder / "backups" / exercise.folder / stamp
        for name in exercise.files:
            source = exercise.path / name
            if source.exists():
                (backup / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, backup / name)
        return backup


def _count(data: dict, exercise: Exercise) -> int:
    """How many hints of `exercise` the state `data` says were seen (0 if it makes no sense)."""
    seen = data["hints_seen"].get(exercise.id, 0)
    if isinstance(seen, bool) or not isinstance(seen, int) or seen < 0:
        return 0
    return min(seen, len(exercise.hints))
