"""Draw what `python grader live` measured: a table, a verdict, and a timeline per version.

One lane per request, from when it was sent to when it was answered, both
versions on one time scale: an async view's lanes overlap, a view that
blocks the event loop draws a staircase. Where the event loop was inside the
learner's files while a request waited (a sync call on the loop), the lane
is drawn red and says at which line; a row below each timeline shows the
calls to the fake API in flight, and the worker threads that were inside the
learner's files (a sync view, or a sync call handed to a thread). In the
terminal with rich; as one self-contained HTML file with inline SVG.
"""

from __future__ import annotations

import html
import math
from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.live import SAMPLE, LiveReport, Run, Visit

BLOCKED = "red"
QUEUED = "dim"
VIEW = "green"
SPARK = " ▁▂▃▄▅▆▇█"
LEGEND = (
    "░ sent, its view not begun",
    "█ in its view",
    "· its answer ready, not yet sent",
    "red: the event loop was held in the view's code (nothing else moved)",
    "─ ✕ sent, then the visitor left there, before any answer",
    "server threads: the most the server had (Django runs a request's sync work in a thread)",
    "time: from the first request sent to the last answer, or where visitors left to the end of "
    "the last API call",
)
ROWS = {"API": "API: calls to the fake API in flight", "thr": "thr: worker threads in the view"}


HEADINGS = (
    "version", "answered", "time", "req/s", "API calls at once", "abandoned", "server threads",
)  # fmt: skip


def table(report: LiveReport) -> Table:
    grid = Table(title=f"{report.visitors} requests at once to {report.method} {report.path}")
    for heading in HEADINGS:
        grid.add_column(heading, justify="left" if heading == "version" else "right")
    for run in report.runs:
        grid.add_row(*row(run))
    return grid


def row(run: Run) -> list[str]:
    if run.failed:
        return [run.version, "—", "—", "—", "—", "—", "—"]
    seconds = run.seconds
    rate = f"{len(run.done) / seconds:.1f}" if seconds > 0 and run.done else "—"
    stopped = " (stopped)" if run.stopped_after is not None else ""
    answered = f"{len(run.left)} left" if run.left else f"{len(run.done)} of {len(run.visits)}"
    return [
        run.version,
        answered,
        f"{seconds:.2f} s{stopped}",
        rate,
        str(run.peak_in_flight),
        str(run.abandoned),
        str(run.threads),
    ]


def terminal(console: Console, report: LiveReport) -> None:
    console.print(table(report))
    console.print(f"\n{report.verdict}.\n")
    scale = max((run.seconds for run in report.runs), default=0.0) or 1.0
    width = max(20, min(console.width, 120) - 48)
    peak = max((run.peak_in_flight for run in report.runs), default=0)
    legend = list(LEGEND)
    for run in report.runs:
        console.print(Text(f"{run.version}: 0 s … {scale:.2f} s", style="bold"))
        if run.failed:
            console.print(f"  {run.failed}")
            continue
        for number, visit in enumerate(run.visits, 1):
            console.print(lane(number, visit, run, scale, width))
        if run.calls:
            console.print(_row("API", _in_flight(run, scale, width, peak)))
            legend.append(ROWS["API"])
        if any(sample.threads for sample in run.samples):
            console.print(_row("thr", _worker_threads(run, scale, width)))
            legend.append(ROWS["thr"])
        console.print()
    console.print(" · ".join(dict.fromkeys(legend)), style="dim")


def lane(number: int, visit: Visit, run: Run, scale: float, width: int) -> Text:
    """`#3 ░░░░████···  200 1.02 s  the loop was in views.py:14`: sent, its view not begun
    (░); in its view (█); its answer ready, not yet sent (·); red where the event loop was held
    in the view's code meanwhile."""
    text = Text(f"#{number:<3}")
    start = _column(visit.sent, scale, width)
    end = min(width, max(start + 1, math.ceil(visit.answered / scale * width)))
    began = end if visit.began is None else _column(visit.began, scale, width)
    returned = end if visit.returned is None else _column(visit.returned, scale, width) + 1
    held = {
        column
        for sample in run.samples
        if sample.held
        for column in range(
            _column(sample.at, scale, width), _column(sample.at + SAMPLE, scale, width)
        )
    }
    text.append(" " * start)
    for column in range(start, end):
        glyph, style = ("░", QUEUED) if column < began else ("█", VIEW)
        if column >= max(returned, began + 1):
            glyph, style = "·", QUEUED
        if visit.left:  # no answer came, so no header said when its view ran
            glyph, style = "─", QUEUED
        text.append(glyph, style=BLOCKED if column in held else style)
    text.append("✕" if visit.left else " ")
    text.append(" " * (width - end))
    if visit.left:
        text.append(f" left after {visit.answered - visit.sent:5.2f} s")
    else:
        text.append(f" {visit.status or '—'} {visit.answered - visit.sent:5.2f} s")
    if visit.error:
        text.append(f"  {visit.error}", style="yellow")
    elif visit.blocked_at:
        text.append(f"  the loop was in {visit.blocked_at}", style=BLOCKED)
    return text


def _column(seconds: float, scale: float, width: int) -> int:
    """The column a moment falls in (rounded first: 0.6 / 0.8 * 8 is 5.999…)."""
    return min(width - 1, max(0, int(round(seconds / scale * width, 6))))


def _row(label: str, cells: str) -> Text:
    return Text(f"{label:<4}", style="dim").append(cells, style="cyan")


def in_flight_at(run: Run, moment: float) -> int:
    return sum(call.started <= moment < call.ended for call in run.calls)


def _in_flight(run: Run, scale: float, width: int, top: int) -> str:
    """Calls in flight, on the same height for both versions (`top`)."""
    return _spark(in_flight_over_time(run, scale, width), top) + f"  up to {run.peak_in_flight}"


def in_flight_over_time(run: Run, scale: float, steps: int) -> list[int]:
    """The calls to the fake API in flight, per step of time (at the middle of each)."""
    return [in_flight_at(run, (step + 0.5) * scale / steps) for step in range(steps)]


def _worker_threads(run: Run, scale: float, width: int) -> str:
    counts = threads_over_time(run, scale, width)
    places = Counter(place for sample in run.samples for place in sample.threads)
    where = f" at {places.most_common(1)[0][0]}" if places else ""
    return _spark(counts) + f"  up to {max(counts)}{where}"


def threads_over_time(run: Run, scale: float, steps: int) -> list[int]:
    """The worker threads in the view's files, per step of time: each look at the stacks
    stands for the SAMPLE seconds after it, up to the next look."""
    counts = [0] * steps
    for sample in run.samples:
        first = _column(sample.at, scale, steps)
        for step in range(first, max(first + 1, _column(sample.at + SAMPLE, scale, steps))):
            counts[step] = max(counts[step], len(sample.threads))
    return counts


def _spark(counts: list[int], top: int = 0) -> str:
    top = top or max(counts, default=0) or 1
    return "".join(SPARK[round(count / top * (len(SPARK) - 1))] for count in counts)


# The HTML file: one page, no scripts, no outside resources.

LANE = 18  # pixels per request's lane
CHART = 760  # pixels of time
LEFT = 40
STEPS = 190  # steps of time in the rows below the lanes (4 pixels each)


def page(report: LiveReport) -> str:
    scale = max((run.seconds for run in report.runs), default=0.0) or 1.0
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row(run)) + "</tr>"
        for run in report.runs
    )
    charts = "".join(_chart(run, scale) for run in report.runs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>awaitlings live: {html.escape(report.title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: 4px 10px; border-bottom: 1px solid #ddd; }}
.queued {{ fill: #ccc; }} .view {{ fill: #3a9a5b; }} .ready {{ fill: #b7dcc2; }}
.blocked {{ fill: #d0342c; }} .axis {{ stroke: #999; }}
svg text {{ font-size: 11px; }} .note {{ fill: #d0342c; }} .count {{ fill: #2a7ab0; }}
</style></head><body>
<h1>{html.escape(report.title)}</h1>
<p>{report.visitors} requests at once to {html.escape(report.method)} {html.escape(report.path)}</p>
<table><tr>{"".join(f"<th>{h}</th>" for h in HEADINGS)}</tr>{rows}</table>
<p><strong>{html.escape(report.verdict)}.</strong></p>
{charts}
<p>Grey: sent, its view not begun. Green: in its view. Pale green: its answer ready, not yet
sent. A red band along a lane: the event loop was held in the view's code meanwhile (a blocking
call), so nothing else moved. ✕: the visitor left there, before its answer. Blue, below the
lanes: API, the calls to the fake API in flight; thr, the worker threads inside the view's
files.</p>
</body></html>
"""


def _rows_below(run: Run, scale: float) -> list[tuple[str, list[int], int]]:
    """The rows under the lanes: (label, a count per step of time, the top of its scale)."""
    rows = []
    if run.calls:
        counts = in_flight_over_time(run, scale, STEPS)
        rows.append(("API", counts, max(max(counts), 1)))
    if any(sample.threads for sample in run.samples):
        threads = threads_over_time(run, scale, STEPS)
        rows.append(("thr", threads, max(max(threads), 1)))
    return rows


def _chart(run: Run, scale: float) -> str:
    if run.failed:
        return f"<h2>{run.version}</h2><p>{html.escape(run.failed)}</p>"
    below_lanes = _rows_below(run, scale)
    height = LANE * (len(run.visits) + 2 + len(below_lanes)) + 30

    def x(seconds: float) -> float:
        return LEFT + seconds / scale * CHART

    shapes: list[str] = []
    for number, visit in enumerate(run.visits):
        y = 10 + number * LANE
        shapes.append(f'<text x="0" y="{y + 12}">#{number + 1}</text>')
        began = visit.answered if visit.began is None else visit.began
        returned = visit.answered if visit.returned is None else visit.returned
        title = f"{visit.status or visit.error}, {visit.answered - visit.sent:.2f} s"
        for kind, start, end in (
            ("queued", visit.sent, began),
            ("view", began, returned),
            ("ready", returned, visit.answered),
        ):
            shapes.append(
                f'<rect class="{kind}" x="{x(start):.1f}" y="{y}" '
                f'width="{max(x(end) - x(start), 1):.1f}" height="{LANE - 4}">'
                f"<title>{html.escape(title)}</title></rect>"
            )
        for sample in run.samples:
            if sample.held and visit.sent <= sample.at <= visit.answered:
                shapes.append(
                    f'<rect class="blocked" x="{x(sample.at):.1f}" y="{y + LANE - 9}" '
                    f'width="{SAMPLE / scale * CHART:.1f}" height="5">'
                    f"<title>the loop was in {html.escape(sample.loop)}</title></rect>"
                )
        if visit.left:
            shapes.append(
                f'<text class="note" x="{x(visit.answered) + 2:.1f}" y="{y + 12}">✕ left after '
                f"{visit.answered - visit.sent:.2f} s</text>"
            )
        elif visit.blocked_at:
            shapes.append(
                f'<text class="note" x="{x(visit.answered) + 6:.1f}" y="{y + 12}">the loop was '
                f"in {html.escape(visit.blocked_at)}</text>"
            )
    below = 10 + len(run.visits) * LANE
    for label, counts, top in below_lanes:
        shapes.append(f'<text x="0" y="{below + LANE - 6}">{label}</text>')
        for column, count in enumerate(counts):
            if count:
                tall = (LANE - 4) * count / top
                shapes.append(
                    f'<rect class="count" x="{x(column * scale / STEPS):.1f}" '
                    f'y="{below + LANE - 4 - tall:.1f}" width="{CHART / STEPS:.1f}" '
                    f'height="{tall:.1f}"><title>{label}: {count}</title></rect>'
                )
        shapes.append(
            f'<text x="{LEFT + CHART + 6}" y="{below + LANE - 6}">up to {max(counts)}</text>'
        )
        below += LANE
    axis = below + 8
    shapes.append(f'<line class="axis" x1="{LEFT}" y1="{axis}" x2="{LEFT + CHART}" y2="{axis}"/>')
    shapes.append(f'<text x="{LEFT}" y="{axis + 14}">0 s</text>')
    shapes.append(f'<text x="{LEFT + CHART - 40}" y="{axis + 14}">{scale:.2f} s</text>')
    return (
        f"<h2>{run.version}</h2>"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LEFT + CHART + 260}" height="{height}">'
        + "".join(shapes)
        + "</svg>"
    )
