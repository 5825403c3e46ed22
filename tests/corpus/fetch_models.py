"""Bring the corpus's model files into tests/corpus/models/ from GitHub, exactly as models/SOURCES.md pins them.

The files are third-party code and are not committed: SOURCES.md's first table gives each file's repository, path,
commit and SHA-256. This script downloads ``https://raw.githubusercontent.com/<repository>/<commit>/<path>`` for
every row whose file is missing and refuses a download whose SHA-256 differs from the table's.

    python tests/corpus/fetch_models.py
"""

from __future__ import annotations

import hashlib
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models"
SOURCES = MODELS / "SOURCES.md"
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"
COLUMNS = 6  # file | repository | path | commit | licence | sha256


def rows() -> list[tuple[str, str, str, str, str]]:
    """(file, repository, path, commit, sha256) of every row of SOURCES.md's file table."""
    found = []
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) != COLUMNS or not cells[0].endswith(".py"):
            continue
        file, repo, path, commit, _licence, digest = cells
        found.append((file, repo, path, commit.split()[0], digest))
    return found


def main() -> int:
    """Download every missing file; exit 1 when one could not be had or did not match its SHA-256."""
    failed = 0
    for file, repo, path, commit, digest in rows():
        target = MODELS / file
        if target.exists():
            continue
        url = RAW.format(repo=repo, commit=commit, path=path)
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
        except OSError as error:
            print(f"FAIL {file}: {url}: {error}")
            failed += 1
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            print(f"FAIL {file}: {url} does not match the SHA-256 in SOURCES.md")
            failed += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"ok   {file}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
