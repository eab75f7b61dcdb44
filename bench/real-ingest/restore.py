"""Put the real set's documents back into bench/real-ingest/docs/ from fetched repository snapshots.

The documents are third parties' files and are not committed (see README.md). Each manifest line names the
repository, path and commit a file came from and its SHA-256. Fetch each repository with the session's
search tool (`fetch github:owner/name`, which leaves a bare git directory under /work/.mirror/owner+name/),
then run:

    python bench/real-ingest/restore.py [--mirrors /work/.mirror]

Files printed to PDF by the collectors from a repository's web page (their manifest note says so) cannot be
restored this way; the script says which.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def git_dir(mirrors: Path, repo: str) -> Path | None:
    folder = mirrors / repo.replace("/", "+")
    found = [p.parent for p in folder.glob("**/HEAD") if (p.parent / "objects").is_dir()] if folder.is_dir() else []
    return found[0] if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args()
    docs = HERE / "docs"
    docs.mkdir(exist_ok=True)
    for manifest in sorted(HERE.glob("manifest-*.jsonl")):
        for line in manifest.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            target = docs / item["file"]
            if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == item["sha256"]:
                continue
            repo = git_dir(args.mirrors, item["repo"])
            if repo is None:
                print(f"missing  {item['file']}: fetch github:{item['repo']} first")
                continue
            shown = subprocess.run(["git", "--git-dir", str(repo), "show", f"{item['commit']}:{item['path']}"],
                                   capture_output=True)
            if shown.returncode or hashlib.sha256(shown.stdout).hexdigest() != item["sha256"]:
                print(f"differs  {item['file']}: not the committed file (printed from a web page? see its note)")
                continue
            target.write_bytes(shown.stdout)
            print(f"restored {item['file']}")


if __name__ == "__main__":
    main()
