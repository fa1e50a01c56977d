"""python -m ingest [--store DIR] PATH...  — exits non-zero if any file failed."""

from __future__ import annotations

import argparse
import sys

from vectorstore.settings import Settings, get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Ingest CQC assessment reports into the library.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders (PDF, HTML, text, Markdown)")
    parser.add_argument("--store", help="store folder (default: $CQC_STORE_DIR or data/store)")
    parser.add_argument("--if-empty", action="store_true", help="do nothing when the library already holds reports")
    args = parser.parse_args(argv)

    settings = get_settings() if not args.store else Settings(store_dir=args.store)
    from tqdm import tqdm

    from ingest.pipeline import ingest_paths
    from vectorstore.store import LibraryStore

    store = LibraryStore(settings)
    if args.if_empty and not store.is_empty():
        print(f"Library at {settings.store_dir} already holds {len(store.reports())} report(s); nothing to do.")
        return 0
    bar = tqdm(total=0, unit="report", desc="Ingesting", file=sys.stderr)

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(name)
        bar.refresh()

    summary = ingest_paths(args.paths, store, progress)
    bar.close()
    for line in summary.lines():
        print(line)
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
