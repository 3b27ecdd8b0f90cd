"""`python grader gradescope-zip`: the autograder a teacher uploads to Gradescope.

The zip holds, at its root, `setup.sh` and `run_autograder` (from
`classroom/gradescope/`) and the course as a learner receives it (`python
grader template`): no solutions, no project tests. Gradescope unpacks it into
`/autograder/source`; `run_autograder` then grades each submission with
sealed grading, so a point needs the learner's files to pass the course's own
tests and its server check, whatever the submission holds besides.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from grader.template import TemplateError, export_template

KIT = Path("classroom/gradescope")
SCRIPTS = ("setup.sh", "run_autograder")


def build_zip(root: Path, destination: Path) -> int:
    """Write the autograder zip of the course at `root` to `destination`; the files in it."""
    if destination.exists():
        raise TemplateError(f"{destination} already exists: name a new file")
    with tempfile.TemporaryDirectory(prefix="awaitlings-gradescope-") as scratch:
        export = export_template(root, Path(scratch) / "source")
        if export.problems:
            raise TemplateError("; ".join(export.problems))
        names = sorted(export.written)
        with zipfile.ZipFile(destination, "x", zipfile.ZIP_DEFLATED) as archive:
            for name in SCRIPTS:
                executable(archive, root / KIT / name, name)
            for name in names:
                path = export.destination / name
                if name not in SCRIPTS and not path.is_symlink():
                    executable(archive, path, name)
    return len(names) + len(SCRIPTS)


def executable(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    """Add `path` as `name`, keeping whether it may run (`run_autograder` must)."""
    info = zipfile.ZipInfo.from_file(path, name)
    info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, path.read_bytes())
