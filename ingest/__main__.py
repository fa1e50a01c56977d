"""python -m ingest [--store DIR] [--rebuild | --repair] PATH...  — exits 1 if any file failed, 2 if the
store cannot be used (a Chroma server that is down, a store built by another version, a damaged
catalog, a full disk, an embedding model or backend that cannot be used); never with a traceback."""

from __future__ import annotations

import argparse
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from config import Settings, configure_offline, debug_wanted, get_settings, invalid_settings

if TYPE_CHECKING:
    from ingest.summary import IngestSummary

configure_offline()  # an entry point: before anything loads a model, Chroma or Streamlit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Ingest CQC assessment reports into the library.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="report files or folders (PDF, HTML, text, Markdown)")
    parser.add_argument("--store", help="store folder (default: $CQC_STORE_DIR or data/store)")
    parser.add_argument("--if-empty", action="store_true", help="do nothing when the library already holds reports")
    parser.add_argument(
        "--rebuild", action="store_true",
        help="build the library again (whatever schema or embedding model built it) from the PATHs given, else "
        "the files its reports were read from, beside the live one, and switch to it when whole",
    )
    parser.add_argument(
        "--repair", action="store_true",
        help="embed again the findings whose vectors are missing (a deleted or damaged chroma folder), from the catalog",
    )
    args = parser.parse_args(argv)
    if not args.paths and not args.rebuild and not args.repair:
        parser.error("give at least one PATH (or --rebuild to re-read the files a store was built from)")
    if args.rebuild and args.repair:
        parser.error("--rebuild or --repair, not both")

    from pydantic import ValidationError

    from database import DatabaseError
    from vectorstore.store import StoreError

    try:
        settings = get_settings() if not args.store else Settings(store_dir=args.store)
        return _run(args, settings)
    except (StoreError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"error: a CQC_ setting is not valid: {invalid_settings(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing half-written is visible; run the same command again to finish.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001  (a bug: say so in one line; the traceback only when asked)
        if debug_wanted():
            traceback.print_exc()
        print(f"error: unexpected {type(exc).__name__}: {exc}. Nothing half-written is visible; please report "
              "this (set CQC_DEBUG=1 to see the traceback).", file=sys.stderr)
        return 3


def _audit(settings: Settings, action: str, target: str, outcome: str) -> None:
    """A change made from the command line goes on the library's audit log, by the machine's user
    (shell access to a machine of the deployment is the permission)."""
    import getpass

    from database import Database
    from database.people import operator

    database = Database.for_settings(settings)
    try:
        database.audit.record(operator(getpass.getuser()), action, target, outcome)
    finally:
        database.close()


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from library.ingesting import ingest_paths
    from vectorstore.store import LibraryStore

    if args.repair:
        return _repair(settings)
    if args.rebuild:
        return _rebuild(args, settings)
    store = LibraryStore(settings)
    if store.unfinished_rebuild:
        print(f"note: {store.unfinished_rebuild}", file=sys.stderr)
    if args.if_empty and not store.is_empty():
        from library.measures import refresh_measures

        reread = refresh_measures(store)  # a library written before this reader: its figures read again
        note = f"; figures read again as data for {reread} report(s)" if reread else "; nothing to do"
        print(f"Library at {settings.store.dir} already holds {len(store.reports())} report(s){note}.")
        return 0
    with _progress_bar() as progress:
        summary = ingest_paths(list(args.paths), store, progress)
    return _finish(settings, "ingest", list(args.paths), summary)


def _finish(settings: Settings, action: str, paths: list, summary: IngestSummary) -> int:
    """Print the summary, put the run on the audit log, exit 1 if any file failed."""
    lines = summary.lines()
    _audit(settings, action, ", ".join(str(p) for p in paths), " ".join(lines[0].split()))
    for line in lines:
        print(line)
    return 0 if summary.ok else 1


def _rebuild(args: argparse.Namespace, settings: Settings) -> int:
    """Build the library again beside the live one and switch to it when whole (`vectorstore.rebuild`):
    readers answer from the live library until then, whatever happens to this run."""
    from library.ingesting import ingest_paths
    from vectorstore.model_check import check_model_loads
    from vectorstore.rebuild import rebuilding
    from vectorstore.store import LibraryStore

    # The model first: a rebuild under a model that cannot load must not start.
    check_model_loads(settings)
    _uploads_from_database(settings)
    paths = list(args.paths)
    with rebuilding(settings) as plan:
        for note in plan.notes:
            print(f"  note: {note}")
        if paths:  # the files named, and the uploaded reports, whose only copy is in the store
            paths += [p for p in plan.uploads if p not in paths]
        else:
            paths = [p for p in plan.sources if Path(p).exists()]
            print(f"Rebuilding {settings.store.dir} from the {len(paths)} file(s) it was built from.")
            for p in sorted(set(plan.sources) - set(paths)):
                print(f"  missing {p}: no longer there; name its new place to ingest it again")
        if not paths:
            print("No report files to read: name them, e.g. python -m ingest --rebuild --store DIR PATH... "
                  "(the library is unchanged)")
            return 1
        staged = LibraryStore(plan.staged_settings, vectors_beside=plan.folder)
        try:
            with _progress_bar() as progress:
                summary = ingest_paths(paths, staged, progress, rebuild_of=plan.folder)
        finally:
            staged.close()
        plan.switch()
    live = LibraryStore(settings)
    live.refresh_keyword_index()  # saved for the readers, who would otherwise each build it
    live.close()
    return _finish(settings, "rebuild", paths, summary)


def _uploads_from_database(settings: Settings) -> None:
    """Before a rebuild: every uploaded report of the library into this machine's uploads folder,
    whichever app machine received it (the database holds them all)."""
    from database import Database, DatabaseError
    from library.changes import copy_uploads_here

    try:
        database = Database.for_settings(settings)
    except DatabaseError as exc:  # a damaged SQLite database: the rebuild moves it aside and recovers
        print(f"  note: the uploaded files could not be read from the database ({exc}); the copies in "
              f"{Path(settings.store.dir) / 'uploads'} are read")
        return
    try:
        _, problems = copy_uploads_here(database, Path(settings.store.dir) / "uploads")
    finally:
        database.close()
    for problem in problems:
        print(f"  note: uploaded file {problem}")


@contextmanager
def _progress_bar():
    from tqdm import tqdm

    bar = tqdm(total=0, unit="report", desc="Ingesting", file=sys.stderr)

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(name)
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()


def _repair(settings: Settings) -> int:
    from library.measures import refresh_measures
    from vectorstore.store import LibraryStore

    store = LibraryStore(settings)
    result = store.repair()
    if result.moved_aside:
        print(f"  note: the damaged vector index was moved to {result.moved_aside}; a new one was made")
    reread = refresh_measures(store)
    figures = f"; figures read again as data for {reread} report(s)" if reread else ""
    _audit(settings, "repair", str(settings.store.dir),
           f"{result.vectors_restored} vector(s) embedded again, {result.orphans_removed} stray vector(s) removed" + figures)
    print(f"Repaired {settings.store.dir}: {result.vectors_restored} missing vector(s) embedded again from the "
          f"catalog, {result.orphans_removed} stray vector(s) removed; {len(store.reports())} report(s) in the library"
          f"{figures}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
