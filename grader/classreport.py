"""The gradebook's report: a CSV for the teacher's spreadsheet and one self-contained HTML page.

The page shows each exercise's pass rate, what the class gets wrong (the
commonest reasons per exercise, a learner's file and line left out so that
the same mistake counts once), and a row per learner linking to their
messages and flags. Everything in it that a learner's code could have
written (messages, flags, names) is escaped: the page runs no learner's markup.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

from grader.gradebook import LearnerGrade

# A learner's own place in a message: `exercises/ex03_x/views.py:18` counts as `views.py`.
PLACE = re.compile(r"\bexercises/[\w/]+?/(\w+\.py):\d+")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
REASONS_SHOWN = 3  # per exercise, in "what the class gets wrong"
SYMBOL = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⧗", "tampered": "⚠", "": "-"}


def lesson_reason(message: str) -> str:
    """A failure's message with the learner's own file and line left out."""
    return PLACE.sub(r"\1", message).strip()[:300]


def spreadsheet_cell(text: str) -> str:
    """`text` as a CSV cell a spreadsheet shows as text: a learner's repository named
    `=HYPERLINK(…)` must not become a formula (OWASP, CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_csv(exercises: list[dict], grades: list[LearnerGrade]) -> str:
    ids = [exercise["id"] for exercise in exercises]
    max_score = sum(exercise["points"] for exercise in exercises)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["learner", "source", "score", "max_score", *ids, "flags"])
    for grade in grades:
        statuses = {exercise["id"]: exercise["status"] for exercise in grade.exercises}
        row = [grade.name, grade.source, str(grade.score), str(grade.max_score or max_score)]
        row += [statuses.get(exercise_id, "not graded") for exercise_id in ids]
        row.append("; ".join(grade.flags))
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


def pass_rates(exercises: list[dict], grades: list[LearnerGrade]) -> list[tuple[str, int, int]]:
    """(exercise id, learners who pass it, learners graded) per exercise."""
    graded = [grade for grade in grades if not grade.problem]
    rates = []
    for exercise in exercises:
        passed = sum(
            any(e["id"] == exercise["id"] and e["status"] == "passed" for e in grade.exercises)
            for grade in graded
        )
        rates.append((exercise["id"], passed, len(graded)))
    return rates


def common_reasons(
    exercises: list[dict], grades: list[LearnerGrade]
) -> list[tuple[str, list[tuple[str, int]]]]:
    """Per exercise, its commonest failure reasons with how many learners gave each.
    Messages that differ only in their numbers ("4 calls in flight", "3 calls") are one
    reason, worded with `…` where the numbers differ."""
    found = []
    for exercise in exercises:
        shapes: dict[str, list[str]] = {}
        for grade in grades:
            for e in grade.exercises:
                if e["id"] == exercise["id"] and e["status"] != "passed" and e["message"]:
                    reason = lesson_reason(e["message"])
                    shapes.setdefault(NUMBER.sub("#", reason), []).append(reason)
        ranked = sorted(
            ((merged(reasons), len(reasons)) for reasons in shapes.values()),
            key=lambda item: (-item[1], item[0]),
        )
        if ranked:
            found.append((exercise["id"], ranked[:REASONS_SHOWN]))
    return found


def merged(reasons: list[str]) -> str:
    """One wording of reasons that differ only in their numbers: a number they share is
    kept, one that differs becomes `…`."""
    texts = NUMBER.split(reasons[0])
    numbers = [NUMBER.findall(reason) for reason in reasons]
    wording = texts[0]
    for index, text in enumerate(texts[1:]):
        values = {found[index] for found in numbers}
        wording += (values.pop() if len(values) == 1 else "…") + text
    return wording


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def anchor(name: str) -> str:
    return "learner-" + re.sub(r"[^\w-]", "-", name)


def gradebook_html(exercises: list[dict], grades: list[LearnerGrade], title: str) -> str:
    e = html.escape
    ids = [exercise["id"] for exercise in exercises]
    max_score = sum(exercise["points"] for exercise in exercises)
    graded = [grade for grade in grades if not grade.problem]
    mean = sum(grade.score for grade in graded) / len(graded) if graded else 0
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>{plural(len(grades), 'learner')}, {len(graded)} graded; mean score {mean:.1f} of "
        f"{max_score}. Every grade is a sealed grade (<code>--submission</code>).</p>",
        "<h2>Pass rate per exercise</h2>",
        pass_rate_chart(pass_rates(exercises, grades)),
        "<h2>What the class gets wrong</h2>",
    ]
    reasons = common_reasons(exercises, grades)
    if not reasons:
        parts.append("<p>Nothing: every graded exercise passes.</p>")
    for exercise_id, ranked in reasons:
        items = "".join(
            f"<li><b>{count}</b> learner(s): {e(reason)}</li>" for reason, count in ranked
        )
        parts.append(f"<h3>{e(exercise_id)}</h3><ul>{items}</ul>")
    head = "".join(f'<th title="{e(i)}">{e(i.split("_")[0])}</th>' for i in ids)
    parts.append("<h2>Learners</h2><table><tr><th>learner</th><th>score</th>")
    parts.append(f"{head}<th>flags</th></tr>")
    for grade in grades:
        statuses = {x["id"]: x["status"] for x in grade.exercises}
        cells = "".join(
            f'<td class="{e(statuses.get(i, ""))}">{SYMBOL.get(statuses.get(i, ""), "?")}</td>'
            for i in ids
        )
        parts.append(
            f'<tr><td><a href="#{anchor(grade.name)}">{e(grade.name)}</a></td>'
            f"<td>{grade.score}/{grade.max_score or max_score}</td>{cells}"
            f'<td class="{"flagged" if grade.flags else ""}">{len(grade.flags) or ""}</td></tr>'
        )
    parts.append("</table><h2>Each learner's messages</h2>")
    for grade in grades:
        parts.append(f'<section id="{anchor(grade.name)}"><h3>{e(grade.name)}</h3>')
        parts.append(f"<p>{e(grade.source)} · {grade.score} points · {grade.seconds:g} s</p>")
        if grade.flags:
            flags = "".join(f"<li>{e(flag)}</li>" for flag in grade.flags)
            parts.append(f'<ul class="flags">{flags}</ul>')
        messages = [x for x in grade.exercises if x["status"] != "passed"]
        if messages:
            items = "".join(
                f"<li><b>{e(x['id'])}</b> ({e(x['status'])}): {e(x['message'])}</li>"
                for x in messages
            )
            parts.append(f"<ul>{items}</ul>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def pass_rate_chart(rates: list[tuple[str, int, int]]) -> str:
    """A bar per exercise, as inline SVG: no script, no file beside the page."""
    bar, gap, width = 18, 6, 300
    rows = []
    for index, (exercise_id, passed, graded) in enumerate(rates):
        y = index * (bar + gap)
        share = passed / graded if graded else 0
        rows.append(
            f'<text x="0" y="{y + 13}">{html.escape(exercise_id)}</text>'
            f'<rect x="220" y="{y}" width="{width}" height="{bar}" class="track"/>'
            f'<rect x="220" y="{y}" width="{share * width:.0f}" height="{bar}" class="done"/>'
            f'<text x="{230 + width}" y="{y + 13}">{passed}/{graded}</text>'
        )
    height = len(rates) * (bar + gap)
    return f'<svg width="600" height="{height}" role="img">{"".join(rows)}</svg>'


STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem;"
    "text-align:center}td:first-child{text-align:left}.passed{background:#dfd}"
    ".failed,.error,.timeout{background:#fdd}.tampered,.flagged{background:#fd8}"
    "svg text{font-size:12px}.track{fill:#eee}.done{fill:#4a4}.flags{color:#a50}"
)


def write_report(folder: Path, exercises: list[dict], grades: list[LearnerGrade]) -> list[Path]:
    """gradebook.csv and gradebook.html in `folder`."""
    csv_path, html_path = folder / "gradebook.csv", folder / "gradebook.html"
    csv_path.write_text(gradebook_csv(exercises, grades), encoding="utf-8")
    title = "awaitlings gradebook"
    html_path.write_text(gradebook_html(exercises, grades, title), encoding="utf-8")
    return [csv_path, html_path]
