"""`python -m bot facts import` takes the gzip-compressed file `/fact export` sends for a
large server, from a file or standard input, and refuses a damaged one in one line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli import main
from bot.transfer import MAX_IMPORT_BYTES

GUILD = "444444444444444444"
FACT = {
    "id": "zebra-parade",
    "statement": "A zebra parade crossed the citadel square at noon.",
    "source": "AFP",
    "questions": ["Did a zebra parade cross the citadel square?"],
    "date": "2024-11-30",
}


def run(db_path: Path, *args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["--db", str(db_path), "--guild", GUILD, *args], input=input)


def test_a_gzip_file_is_imported_as_it_is(db_path: Path, tmp_path: Path) -> None:
    packed = tmp_path / "facts.jsonl.gz"
    packed.write_bytes(gzip.compress((json.dumps(FACT) + "\n").encode()))
    result = run(db_path, "facts", "import", str(packed))
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    exported = run(db_path, "facts", "export").output
    assert json.loads(exported)["statement"] == FACT["statement"]
    # The same file again, piped in: known by its bytes, not its name.
    again = run(db_path, "facts", "import", "-", input=packed.read_bytes())
    assert again.exit_code == 0 and "1 unchanged" in again.output, again.output


def test_a_damaged_or_oversized_gzip_file_is_one_line(db_path: Path) -> None:
    damaged = gzip.compress((json.dumps(FACT) + "\n").encode())[:-12]
    result = run(db_path, "facts", "import", "-", input=damaged)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        "Error: file: a damaged gzip file (it does not decompress)"
    ]
    # A small file that would unpack far past what an import may hold.
    bomb = gzip.compress(b" " * (MAX_IMPORT_BYTES * 5))
    result = run(db_path, "facts", "import", "-", input=bomb)
    assert result.exit_code == 1 and "once decompressed" in result.output
