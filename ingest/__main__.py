"""python -m ingest [--store DIR] [--rebuild] PATH...  — exits 1 if any file failed, 2 if the store
cannot be used (a Chroma server that is down, a store built by another version)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vectorstore.settings import Settings, get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Ingest CQC assessment reports into the library.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="report files or folders (PDF, HTML, text, Markdown)")
    parser.add_argument("--store", help="store folder (default: $CQC_STORE_DIR or data/store)")
    parser.add_argument("--if-empty", action="store_true", help="do nothing when the library already holds reports")
    parser.add_argument(
        "--rebuild", action="store_true",
        help="empty the store (whatever schema or embedding model built it) and ingest again: the PATHs given, "
        "else the files its reports were read from",
    )
    args = parser.parse_args(argv)
    if not args.paths and not args.rebuild:
        parser.error("give at least one PATH (or --rebuild to re-read the files a store was built from)")

    settings = get_settings() if not args.store else Settings(store_dir=args.store)
    from tqdm import tqdm

    from ingest.pipeline import ingest_paths
    from vectorstore.store import LibraryStore, StoreError

    paths = list(args.paths)
    try:
        if args.rebuild:
            sources = LibraryStore.wipe(settings)
            if not paths:
                paths = [p for p in sources if Path(p).exists()]
                missing = sorted(set(sources) - set(paths))
                print(f"Rebuilding {settings.store_dir} from the {len(paths)} file(s) it was built from.")
                for p in missing:
                    print(f"  missing {p}: no longer there; name its new place to ingest it again")
                if not paths:
                    print("No report files to read: name them, e.g. python -m ingest --rebuild --store DIR PATH...")
                    return 1
        store = LibraryStore(settings)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.if_empty and not store.is_empty():
        print(f"Library at {settings.store_dir} already holds {len(store.reports())} report(s); nothing to do.")
        return 0
    bar = tqdm(total=0, unit="report", desc="Ingesting", file=sys.stderr)

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(name)
        bar.refresh()

    try:
        summary = ingest_paths(paths, store, progress)
    except StoreError as exc:
        bar.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bar.close()
    if args.rebuild:
        store.catalog.set_meta({"rebuild_sources": "[]"})  # finished: an interrupted rebuild keeps the list
    for line in summary.lines():
        print(line)
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
