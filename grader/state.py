"""The learner's own state: how many hints they have seen, and backups of their work.

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
        try:
            return json.loads(self.file.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def hints_seen(self, exercise: Exercise) -> int:
        return int(self._load().get("hints_seen", {}).get(exercise.id, 0))

    def reveal_hint(self, exercise: Exercise) -> int:
        """Count one more hint as seen (up to all of them); return how many are seen now."""
        data = self._load()
        seen = data.setdefault("hints_seen", {})
        seen[exercise.id] = min(int(seen.get(exercise.id, 0)) + 1, len(exercise.hints))
        self.folder.mkdir(exist_ok=True)
        self.file.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return seen[exercise.id]

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
