"""HTML pages for evaluation runs: ``report.html`` for one run, and a page comparing runs.

Each page is one self-contained file: plots inlined as SVG, screenshots as ``data:`` URIs, no
script, font or style fetched from anywhere, so that it can be mailed, archived or opened
offline. It reads only the run folder (see :mod:`swelancer_env.evaluation.records`) and needs
the ``report`` extra (Jinja2 and matplotlib).

Example:
    >>> from pathlib import Path
    >>> from swelancer_env.evaluation.report import write_report
    >>> write_report(Path("runs/oracle"))  # doctest: +SKIP
    PosixPath('runs/oracle/report.html')
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import fmean
from typing import Any

from swelancer_env.errors import ConfigError
from swelancer_env.evaluation.atomic import write_text_atomic
from swelancer_env.evaluation.money import cost as _cost
from swelancer_env.evaluation.money import money as _money
from swelancer_env.evaluation.records import (
    EpisodeResult,
    ModelCall,
    RunInfo,
    StepRecord,
    TrajectoryEnd,
    TrajectoryHeader,
)
from swelancer_env.evaluation.summary import summarize

__all__ = [
    "compare_runs",
    "load_run",
    "load_runs",
    "paired_differences",
    "write_compare",
    "write_report",
]

_EXTRA = "the report needs the \"report\" extra: pip install 'swelancer-env[report]'"
VARIANT_NAMES = {"ic_swe": "IC SWE", "swe_manager": "SWE Manager", "overall": "overall"}
_VARIANT_COLORS = {"ic_swe": "#1f77b4", "swe_manager": "#ff7f0e", "overall": "#333333"}
_RUN_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
_EARNED, _AVAILABLE = "#2e7d32", "#cfd8dc"
_IMAGE_WIDTH = 640


# ---------------------------------------------------------------- reading a run folder


@dataclass
class _Task:
    """One task's episodes in a run, aggregated as summary.py does (infra and config errors
    apart)."""

    task_id: str
    variant: str
    price: float
    title: str = ""
    episodes: list[EpisodeResult] = field(default_factory=list)

    @property
    def graded(self) -> list[EpisodeResult]:
        return [r for r in self.episodes if r.graded]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.graded)

    @property
    def infra_errors(self) -> int:
        """Episodes not graded: infra and config errors."""
        return len(self.episodes) - len(self.graded)

    @property
    def earned(self) -> float | None:
        return fmean(r.earned for r in self.graded) if self.graded else None

    @property
    def tokens(self) -> int:
        """Mean tokens per graded attempt (the basis of ``cost`` and ``earned``)."""
        return round(fmean(r.tokens.total for r in self.graded)) if self.graded else 0

    @property
    def cost(self) -> float | None:
        """Mean dollars per graded attempt; None when unknown (or no attempt was graded)."""
        costs = [r.cost for r in self.graded]
        if not costs or any(c is None for c in costs):
            return None
        return fmean(c or 0.0 for c in costs)

    @property
    def failed_tests(self) -> list[tuple[str, int]]:
        counts = Counter(t for r in self.graded for t in r.failed_tests)
        return sorted(counts.items())

    @property
    def messages(self) -> dict[str, str]:
        """A message of each failed test (the first attempt's that has one)."""
        out: dict[str, str] = {}
        for r in self.graded:
            for name, message in r.failure_messages.items():
                out.setdefault(name, message)
        return out


@dataclass(eq=False)
class _Run:
    folder: Path
    info: RunInfo | None
    results: list[EpisodeResult]
    summary: dict[str, Any]
    notes: list[str]
    label: str = ""
    tasks: dict[str, _Task] = field(default_factory=dict)


def load_run(run_dir: Path) -> _Run:
    run_dir = Path(run_dir)
    path = run_dir / "results.jsonl"
    if not path.is_file():
        raise ConfigError(
            f"{run_dir} has no results.jsonl, so it is not an evaluation's folder. Run "
            f"`swelancer-env eval --out {run_dir}` first, or pass the folder such a run wrote."
        )
    notes: list[str] = []
    by_key: dict[tuple[str, int], EpisodeResult] = {}
    bad = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            r = EpisodeResult.model_validate_json(line)
        except ValueError:
            bad += 1
            continue
        by_key[r.key] = r  # a resumed run's later line wins
    if bad:
        notes.append(f"{bad} unreadable line(s) of results.jsonl were skipped.")
    results = sorted(by_key.values(), key=lambda r: (r.task_id, r.attempt))

    info = None
    if (run_dir / "run.json").is_file():
        try:
            info = RunInfo.model_validate_json((run_dir / "run.json").read_bytes())
        except ValueError as exc:
            notes.append(f"run.json could not be read ({type(exc).__name__}); it is left out.")
    summary = None
    try:
        loaded = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        if isinstance(loaded, dict) and {"overall", "variants"} <= loaded.keys():
            summary = loaded
    except (OSError, ValueError):
        pass
    if summary is None:
        summary = summarize(results)
        notes.append("No usable summary.json: the figures were computed from results.jsonl.")
    elif summary["overall"].get("episodes") != len(results):
        notes.append(
            f"summary.json counts {summary['overall'].get('episodes')} episodes and "
            f"results.jsonl holds {len(results)}: the summary figures are summary.json's."
        )

    tasks: dict[str, _Task] = {}
    for r in results:
        task = tasks.setdefault(r.task_id, _Task(r.task_id, r.variant, r.price))
        task.episodes.append(r)
    if info and info.label:
        label = info.label
    else:
        agent = info.agent if info else (results[0].agent if results else "")
        model = info.model if info else (results[0].model if results else None)
        label = " · ".join(x for x in (agent, model) if x) or run_dir.name
    return _Run(run_dir, info, results, summary, notes, label, tasks)


def _trajectory_path(run: _Run, r: EpisodeResult) -> Path | None:
    rel = r.trajectory or f"trajectories/{r.task_id}/{r.attempt}.jsonl"
    path = (run.folder / rel).resolve()
    return path if path.is_relative_to(run.folder.resolve()) and path.is_file() else None


def _read_trajectory(
    path: Path,
) -> tuple[TrajectoryHeader | None, list[StepRecord], TrajectoryEnd | None, int]:
    """The header, steps and end line of a trajectory file (read once), and how many lines
    could not be read (skipped: the page shows what is there)."""
    header, steps, end, bad = None, [], None, 0
    for i, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        if not line.strip():
            continue
        try:
            if i == 0:
                header = TrajectoryHeader.model_validate_json(line)
            elif line.startswith('{"kind":"end"'):  # how the writer dumps it: kind first
                end = TrajectoryEnd.model_validate_json(line)
            else:
                steps.append(StepRecord.model_validate_json(line))
        except ValueError:
            bad += 1
    return header, steps, end, bad


# ---------------------------------------------------------------- pieces of the page


def _clip(text: str, limit: int) -> tuple[str, int]:
    """``text`` with its middle cut to stay within ``limit`` characters, and how many were cut."""
    if limit <= 0 or len(text) <= limit:
        return text, 0
    head = limit * 3 // 4
    tail = limit - head
    cut = len(text) - limit
    return f"{text[:head]}\n\n[... {cut:,} characters cut ...]\n\n{text[-tail:]}", cut


def _image_uri(path: Path) -> str | None:
    """A PNG downscaled to at most 640 px wide, as the smaller of a PNG and a JPEG data URI."""
    from PIL import Image

    try:
        with Image.open(path) as src:
            im = src.convert("RGB")
        if im.width > _IMAGE_WIDTH:
            im = im.resize((_IMAGE_WIDTH, round(im.height * _IMAGE_WIDTH / im.width)))
        png, jpeg = io.BytesIO(), io.BytesIO()
        im.save(png, format="PNG", optimize=True)
        im.save(jpeg, format="JPEG", quality=82)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    mime, data = min(("png", png.getvalue()), ("jpeg", jpeg.getvalue()), key=lambda x: len(x[1]))
    return f"data:image/{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _pretty(value: Any) -> str:
    """JSON on one line when it is short and simple, else indented."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    flat = json.dumps(value, ensure_ascii=False, default=str)
    if len(flat) <= 100 and "\\n" not in flat:
        return flat
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _call_view(call: ModelCall) -> dict[str, Any]:
    message: dict[str, Any] = {}
    if isinstance(call.response, dict):
        choices = call.response.get("choices") or []
        if choices and isinstance(choices[0], dict):
            message = choices[0].get("message") or {}
    tool_calls = []
    for tc in message.get("tool_calls") or []:
        fn = (tc or {}).get("function") or {}
        tool_calls.append({"name": fn.get("name", "?"), "arguments": _pretty(fn.get("arguments"))})
    reasoning = message.get("reasoning_content") or message.get("reasoning")
    return {
        "model": call.model,
        "usage": call.usage,
        "latency": call.latency_s,
        "cost": call.cost,
        "error": call.error,
        "content": message.get("content") if isinstance(message.get("content"), str) else None,
        "reasoning": reasoning if isinstance(reasoning, str) else None,
        "tool_calls": tool_calls,
    }


def _anchor(task_id: str, attempt: int) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]", "-", task_id)
    if slug != task_id:  # keep "a.b" and "a-b" apart
        slug += "-" + hashlib.sha1(task_id.encode()).hexdigest()[:6]
    return f"traj-{slug}-{attempt}"


def _trajectory_views(
    run: _Run, results: list[EpisodeResult], out_dir: Path, max_screenshots: int, max_chars: int
) -> Iterator[dict[str, Any]]:
    for r in results:
        path = _trajectory_path(run, r)
        view: dict[str, Any] = {"result": r, "anchor": _anchor(r.task_id, r.attempt)}
        if path is None:
            yield {**view, "missing": True}
            continue
        header, steps, end, bad = _read_trajectory(path)
        if header and header.title and not run.tasks[r.task_id].title:
            run.tasks[r.task_id].title = header.title
        shot_steps = [s.step for s in steps if s.screenshot]
        keep = set(shot_steps)
        if len(shot_steps) > max_screenshots:  # the first and the last ones tell the story
            half = max_screenshots // 2
            keep = set(shot_steps[:half] + shot_steps[len(shot_steps) - (max_screenshots - half) :])
        step_views = []
        for s in steps:
            obs, cut = _clip(s.observation, max_chars)
            shot = shot_note = None
            if s.screenshot:
                shot_file = (path.parent / s.screenshot).resolve()
                if s.step not in keep:
                    shot_note = f"not inlined (at most {max_screenshots} per trajectory)"
                elif not shot_file.is_relative_to(run.folder.resolve()) or not shot_file.is_file():
                    shot_note = "missing from the run folder"
                else:
                    shot = _image_uri(shot_file)
                    shot_note = None if shot else "unreadable"
                shot_note = shot_note and f"{s.screenshot}: {shot_note}"
            step_views.append(
                {
                    "record": s,
                    "action": _pretty(s.action),
                    # multi-line arguments (a heredoc, a file's text) read better unescaped
                    "action_texts": [
                        (key, _clip(value, max_chars)[0])
                        for key, value in (s.action.items() if isinstance(s.action, dict) else ())
                        if isinstance(value, str) and "\n" in value
                    ],
                    "observation": obs,
                    "cut": cut,
                    "screenshot": shot,
                    "screenshot_note": shot_note,
                    "calls": [_call_view(c) for c in s.model_calls],
                    "grade": _pretty(s.grade) if s.grade is not None else None,
                }
            )
        reset_obs, reset_cut = _clip(header.observation, max_chars) if header else ("", 0)
        yield {
            **view,
            "missing": False,
            "file": os.path.relpath(path, out_dir),
            "header": header,
            "reset": reset_obs,
            "reset_cut": reset_cut,
            "steps": step_views,
            "bad_lines": bad,
            "end_calls": [_call_view(c) for c in end.model_calls] if end else [],
            "end_error": (end.agent_error or end.infra_error) if end else None,
        }


def _variant_order(names: Iterable[str]) -> list[str]:
    known = [v for v in VARIANT_NAMES if v in names and v != "overall"]
    return known + sorted(set(names) - set(known))


def _summary_rows(
    groups: dict[str, dict[str, Any]], overall: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    return [(VARIANT_NAMES.get(k, k), g) for k, g in groups.items()] + [("overall", overall)]


# ---------------------------------------------------------------- plots (matplotlib, as SVG)


class _Plots:
    """Makes figures and turns each into inline SVG with ids of its own."""

    def __init__(self) -> None:
        try:
            import matplotlib
            from matplotlib.figure import Figure
        except ImportError as exc:
            raise ConfigError(_EXTRA) from exc
        self._matplotlib, self._Figure, self._count = matplotlib, Figure, 0

    def context(self) -> Any:
        """Settings for every figure: "$" is a dollar, not mathtext; SVG text stays text."""
        rc: Any = {"text.parse_math": False, "svg.fonttype": "none", "font.family": "sans-serif"}
        return self._matplotlib.rc_context(rc)

    def figure(self, width: float = 6.0, height: float = 3.4) -> tuple[Any, Any]:
        fig = self._Figure(figsize=(width, height), layout="constrained")
        return fig, fig.add_subplot()

    def svg(self, fig: Any) -> str:
        self._count += 1
        buf = io.StringIO()
        with self.context():
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Type": None})
        text = buf.getvalue()
        text = text[text.index("<svg") :]
        text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)  # inline SVG needs none; no URLs
        prefix = f"f{self._count}-"  # several SVGs in one page: keep their ids apart
        text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', text)
        text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", text)
        return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', text)

    def earned_bars(self, groups: list[tuple[str, dict[str, Any]]], title: str) -> str:
        fig, ax = self.figure()
        xs = range(len(groups))
        avail = [g.get("available") or 0.0 for _, g in groups]
        earned = [g.get("earned") or 0.0 for _, g in groups]
        w = 0.38
        b1 = ax.bar([x - w / 2 for x in xs], avail, w, color=_AVAILABLE, label="available")
        b2 = ax.bar([x + w / 2 for x in xs], earned, w, color=_EARNED, label="earned")
        for bars in (b1, b2):
            ax.bar_label(bars, labels=[_money(v) for v in bars.datavalues], fontsize=8, padding=2)
        ax.set_xticks(list(xs), [textwrap.fill(name, 22) for name, _ in groups])
        ax.set_ylabel("dollars (one attempt per task)")
        ax.set_title(title)
        ax.set_ylim(0, max(avail + earned + [1.0]) * 1.3)
        ax.legend(frameon=False, fontsize=8, ncols=2, loc="upper left")
        ax.spines[["top", "right"]].set_visible(False)
        return self.svg(fig)

    def pass_at_k(self, groups: list[tuple[str, str, dict[str, Any]]]) -> str:
        fig, ax = self.figure()
        most = 1
        for key, name, g in groups:
            ks = [k for k in range(1, g.get("attempts", 0) + 1) if g.get(f"pass@{k}") is not None]
            most = max([most, *ks])
            style = (
                {"marker": "o", "markersize": 10, "markerfacecolor": "none", "linewidth": 2.2}
                if key == "overall"  # hollow and larger: a variant's point stays visible inside
                else {"marker": "o", "markersize": 5, "linewidth": 1.5}
            )
            ax.plot(
                ks,
                [g[f"pass@{k}"] * 100 for k in ks],
                label=name,
                color=_VARIANT_COLORS.get(key),
                **style,
            )
        ax.set_xticks(range(1, most + 1))
        ax.set_xlim(0.5, most + 0.5)
        ax.set_ylim(0, 115)
        ax.set_xlabel("k (attempts)")
        ax.set_ylabel("pass@k (%)")
        ax.set_title("pass@k")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=8, ncols=3, loc="upper left")
        ax.spines[["top", "right"]].set_visible(False)
        return self.svg(fig)

    def scatter(
        self,
        points: list[tuple[str, float, float, str]],
        title: str,
        xlabel: str,
        ylabel: str,
        labels: bool,
    ) -> str:
        fig, ax = self.figure()
        seen: set[str] = set()
        for name, x, y, color_key in points:
            color = _VARIANT_COLORS.get(color_key, color_key)
            legend = VARIANT_NAMES.get(color_key, color_key) if not labels else name
            ax.scatter(
                [x], [y], color=color, s=40, alpha=0.85, label=None if legend in seen else legend
            )
            seen.add(legend)
            if labels:
                ax.annotate(name, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        # from 0, with room for the labels of the highest and rightmost points
        ax.set_xlim(0, max([p[1] for p in points] + [0.0]) * 1.3 or 1.0)
        ax.set_ylim(0, max([p[2] for p in points] + [0.0]) * 1.2 or 1.0)
        ax.grid(alpha=0.3)
        if not labels:
            ax.legend(frameon=False, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        return self.svg(fig)

    def grouped(self, groups: list[str], runs: list[tuple[str, list[float | None]]]) -> str:
        fig, ax = self.figure(6.0 + 0.4 * len(runs))
        w = 0.8 / max(len(runs), 1)
        for i, (name, values) in enumerate(runs):
            xs = [g - 0.4 + w * (i + 0.5) for g in range(len(groups))]
            bars = ax.bar(
                xs,
                [(v or 0.0) * 100 for v in values],
                w,
                color=_RUN_COLORS[i % len(_RUN_COLORS)],
                label=name,
            )
            ax.bar_label(
                bars,
                labels=["—" if v is None else f"{v * 100:.0f}%" for v in values],
                fontsize=7,
                padding=2,
            )
        ax.set_xticks(range(len(groups)), [VARIANT_NAMES.get(g, g) for g in groups])
        ax.set_ylim(0, 125)
        ax.set_yticks(range(0, 101, 20))
        ax.set_ylabel("pass@1 (%)")
        ax.set_title("pass@1 by variant")
        ax.legend(frameon=False, fontsize=8, ncols=min(len(runs), 3), loc="upper left")
        ax.spines[["top", "right"]].set_visible(False)
        return self.svg(fig)


# ---------------------------------------------------------------- formatting


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _per_dollar(g: dict[str, Any]) -> str:
    if g.get("cost") is None:
        return "unknown"
    return "—" if g.get("earned_per_dollar") is None else f"${g['earned_per_dollar']:,.2f}"


def _env() -> Any:
    try:
        from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
    except ImportError as exc:
        raise ConfigError(_EXTRA) from exc
    env = Environment(
        loader=PackageLoader("swelancer_env.evaluation", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=_money, cost=_cost, pct=_pct, per_dollar=_per_dollar)
    env.globals.update(variant_name=lambda v: VARIANT_NAMES.get(v, v), anchor=_anchor)
    return env


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


# ---------------------------------------------------------------- the two pages


def write_report(
    run_dir: Path,
    out: Path | None = None,
    *,
    max_screenshots: int = 12,
    max_chars: int = 6000,
    trajectories: bool = True,
    refresh_s: float | None = None,
) -> Path:
    """Write one run's report: summary tables, plots, the tasks and every trajectory
    (``refresh_s``: the page reloads itself that often, for a live view).

    Args:
        run_dir: a folder ``swelancer-env eval --out`` wrote.
        out: the HTML file to write (default ``run_dir / "report.html"``).
        max_screenshots: screenshots inlined per trajectory (the first and the last ones).
        max_chars: observation text shown per step; the middle of longer text is cut.
        trajectories: False leaves the trajectory viewer out (a smaller page for a large run).

    Returns:
        The path written.

    Raises:
        ConfigError: the folder holds no ``results.jsonl``, or Jinja2 or matplotlib is missing.
    """
    env = _env()
    plots = _Plots()
    run = load_run(Path(run_dir))
    out = Path(out) if out is not None else run.folder / "report.html"
    summary = run.summary
    variants = summary.get("variants", {})
    order = _variant_order(set(variants) | {t.variant for t in run.tasks.values()})
    rows = _summary_rows({v: variants[v] for v in order if v in variants}, summary["overall"])
    bands = list(summary.get("price_bands", {}).items())
    tasks = sorted(run.tasks.values(), key=lambda t: (order.index(t.variant), t.task_id))
    episodes = [r for t in tasks for r in t.episodes]  # in the task table's order
    folder = out.parent / f"{out.stem}-trajectories"
    links: dict[tuple[str, int], str] = {}
    dates: list[str] = []
    if trajectories:  # one page per trajectory, beside this one, read one at a time
        links, dates = _write_trajectory_pages(
            env, run, episodes, folder, out, max_screenshots, max_chars
        )
    known = [t for t in tasks if t.cost is not None and t.earned is not None]
    k = summary["overall"].get("attempts", 1)
    counted = summary["overall"] if "outcomes" in summary["overall"] else None
    counted = counted or summarize(run.results)["overall"]  # a summary.json from before them
    with plots.context():
        figures = {
            "variants": plots.earned_bars(rows, "earnings by variant") if rows else None,
            "bands": plots.earned_bars(bands, "earnings by price band") if bands else None,
            "passk": plots.pass_at_k(
                [(v, VARIANT_NAMES.get(v, v), variants[v]) for v in order if v in variants]
                + [("overall", "overall", summary["overall"])]
            ),
            "cost": plots.scatter(
                [(t.task_id, t.cost or 0.0, t.earned or 0.0, t.variant) for t in known],
                "cost against earnings, per task",
                "cost per attempt ($)",
                "earned per attempt ($)",
                labels=False,
            )
            if known
            else None,
        }
    official = None
    if run.info is not None and run.info.source == "official":
        from swelancer_env.official.reference import DIAMOND_SET, PAPER

        official = {
            "set": DIAMOND_SET,
            "paper": PAPER,
            "pass1": {v: g.get("pass@1") for v, g in variants.items()},
            "here": {
                v: sum(t.variant == v for t in run.tasks.values()) for v in DIAMOND_SET["variants"]
            },
        }
    html = env.get_template("report.html.j2").render(
        run=run,
        info=run.info,
        official=official,
        started=(
            run.info.started_at if run.info and run.info.started_at else min(dates, default="")
        ),
        rows=rows,
        bands=bands,
        k=k,
        short=sum(len(t.graded) < k for t in tasks),
        outcomes={o: n for o, n in counted["outcomes"].items() if n},
        stop_reasons=counted["stop_reasons"],
        tasks=tasks,
        cost_unknown=len(tasks) - len(known),
        figures=figures,
        links=links,
        trajectory_folder=folder.name,
        show_trajectories=trajectories,
        refresh_s=refresh_s,
        generated=_now(),
    )
    return write_text_atomic(out, html)


def _write_trajectory_pages(
    env: Any,
    run: _Run,
    episodes: list[EpisodeResult],
    folder: Path,
    page: Path,
    max_screenshots: int,
    max_chars: int,
) -> tuple[dict[tuple[str, int], str], list[str]]:
    """Write one page per episode into ``folder`` (made aside and swapped in whole, so that a
    page from an older report never mixes with these); the links to them from ``page``, and
    when the episodes started."""
    import shutil
    import tempfile

    page.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=page.parent, prefix=f".{folder.name}."))
    links: dict[tuple[str, int], str] = {}
    dates: list[str] = []
    try:
        template = env.get_template("trajectory.html.j2")
        for view in _trajectory_views(run, episodes, folder, max_screenshots, max_chars):
            r = view["result"]
            name = f"{view['anchor']}.html"
            view["correct_proposal"] = _correct_proposal(r)
            chosen = [
                s["record"].action.get("proposal_id")
                for s in view.get("steps", [])
                if isinstance(s["record"].action, dict)
                and s["record"].action.get("type") == "choose_proposal"
            ]
            view["chosen_proposal"] = chosen[-1] if chosen else None
            html = template.render(t=view, back=f"../{page.name}", generated=_now())
            (staging / name).write_text(html, encoding="utf-8")
            links[(r.task_id, r.attempt)] = f"{folder.name}/{name}"
            if view.get("header"):
                dates.append(view["header"].started_at)
        old = page.parent / f".{folder.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return links, dates


def _correct_proposal(r: EpisodeResult) -> str | None:
    """A manager task's correct proposal, when the task can be loaded here."""
    if r.variant != "swe_manager":
        return None
    try:
        from swelancer_env.tasks import load_task

        return load_task(r.task_id).correct_proposal
    except Exception:  # noqa: BLE001 - a task of another checkout: nothing to show
        return None


def paired_differences(runs: list[_Run]) -> list[dict[str, Any]]:
    """Each run after the first against the first, on the tasks both graded: pass@1 and
    dollars earned per task (:func:`~swelancer_env.evaluation.stats.paired`)."""
    from swelancer_env.evaluation.stats import paired, per_task

    if len(runs) < 2:
        return []
    base_pass, base_earned = per_task(runs[0].results)
    rows = []
    for other in runs[1:]:
        passes, earned = per_task(other.results)
        rows.append(
            {
                "a": runs[0].label,
                "b": other.label,
                "pass@1": paired(base_pass, passes),
                "earned": paired(base_earned, earned),
            }
        )
    return rows


def load_runs(run_dirs: list[Path]) -> list[_Run]:
    """The runs in ``run_dirs``, each with a label of its own (by folder, then by position).

    Raises:
        ConfigError: no run given, or a folder holds no ``results.jsonl``.
    """
    if not run_dirs:
        raise ConfigError("compare needs at least one run folder (each written by `eval --out`).")
    runs = [load_run(Path(d)) for d in run_dirs]
    counts = Counter(r.label for r in runs)
    for r in runs:  # two runs with one label: tell them apart by folder
        if counts[r.label] > 1:
            r.label = f"{r.label} ({r.folder.name})"
    counts = Counter(r.label for r in runs)
    for i, r in enumerate(runs):  # and by position when the folder names agree too
        if counts[r.label] > 1:
            r.label = f"{r.label} #{i + 1}"
    return runs


def write_compare(run_dirs: list[Path], out: Path) -> Path:
    """Write one page putting runs side by side: figures, plots and a task-by-run matrix.

    Raises:
        ConfigError: no run given, a folder holds no ``results.jsonl``, or Jinja2 or matplotlib
            is missing.
    """
    return compare_runs(run_dirs, out)[0]


def compare_runs(run_dirs: list[Path], out: Path) -> tuple[Path, list[dict[str, Any]]]:
    """:func:`write_compare`, and the paired differences it shows (each run read once)."""
    env = _env()
    plots = _Plots()
    runs = load_runs(run_dirs)
    differences = paired_differences(runs)
    variants = _variant_order(
        {v for r in runs for v in r.summary.get("variants", {})}
        | {t.variant for r in runs for t in r.tasks.values()}
    )
    all_tasks: dict[str, tuple[str, float]] = {}
    for r in runs:
        for task in r.tasks.values():
            all_tasks.setdefault(task.task_id, (task.variant, task.price))
    task_ids = sorted(all_tasks, key=lambda t: (variants.index(all_tasks[t][0]), t))
    lacking = {r.label: [t for t in task_ids if t not in r.tasks] for r in runs}
    lacking = {label: missing for label, missing in lacking.items() if missing}

    def group(r: _Run, v: str) -> dict[str, Any]:
        return r.summary["overall"] if v == "overall" else r.summary["variants"].get(v, {})

    columns = [*variants, "overall"]
    known = [r for r in runs if r.summary["overall"].get("cost") is not None]
    with plots.context():
        pass1 = [(r.label, [group(r, v).get("pass@1") for v in columns]) for r in runs]
        points = [
            (r.label, r.summary["overall"]["cost"], r.summary["overall"]["earned"], color)
            for r, color in zip(runs, _RUN_COLORS * len(runs), strict=False)
            if r in known
        ]
        figures = {
            "pass1": plots.grouped(columns, pass1),
            "earned": plots.earned_bars(
                [(r.label, r.summary["overall"]) for r in runs], "earnings per run (overall)"
            ),
            "cost": plots.scatter(
                points,
                "cost against earnings, per run",
                "cost per attempt, summed over tasks ($)",
                "earned ($)",
                labels=True,
            )
            if points
            else None,
        }
    html = env.get_template("compare.html.j2").render(
        runs=runs,
        differences=differences,
        columns=columns,
        group=group,
        task_ids=task_ids,
        all_tasks=all_tasks,
        lacking=lacking,
        cost_unknown=[r.label for r in runs if r not in known],
        figures=figures,
        generated=_now(),
    )
    return write_text_atomic(Path(out), html), differences
