"""Gzip-compressed fact files (bot.compressed): known by their bytes, unpacked within a
limit, and taken by `python -m bot facts import` as `/fact export` sends them for a large
server, from a file or standard input; a damaged one is refused in one line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bot.compressed import gunzip_within, is_gzip
from bot.errors import ValidationError
from bot.transfer import MAX_IMPORT_BYTES
from tests.helpers import Cli

GUILD = 444444444444444444
FACT = {
    "id": "zebra-parade",
    "statement": "A zebra parade crossed the citadel square at noon.",
    "source": "AFP",
    "questions": ["Did a zebra parade cross the citadel square?"],
    "date": "2024-11-30",
}


@pytest.fixture
def guild_cli(db_path: Path) -> Cli:
    return Cli(db_path, guild=GUILD)


def test_gzip_is_known_by_its_first_bytes_and_anything_else_passes_as_it_is() -> None:
    text = b'{"id": "a"}\n'
    assert is_gzip(gzip.compress(text)) and not is_gzip(text) and not is_gzip(b"")
    assert gunzip_within(text, limit=1) == text  # not gzip: the limit is not this one's
    assert gunzip_within(gzip.compress(text), limit=len(text)) == text


def test_unpacking_stops_one_byte_past_the_limit() -> None:
    packed = gzip.compress(b"x" * 10_001)
    with pytest.raises(ValidationError) as refused:
        gunzip_within(packed, limit=10_000)
    assert refused.value.problems == ["file: larger than 10 kB once decompressed"]


def test_a_gzip_file_is_imported_as_it_is(guild_cli: Cli, tmp_path: Path) -> None:
    packed = tmp_path / "facts.jsonl.gz"
    packed.write_bytes(gzip.compress((json.dumps(FACT) + "\n").encode()))
    result = guild_cli("facts", "import", str(packed))
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    exported = guild_cli("facts", "export").output
    assert json.loads(exported)["statement"] == FACT["statement"]
    # The same file again, piped in: known by its bytes, not its name.
    again = guild_cli("facts", "import", "-", input=packed.read_bytes())
    assert again.exit_code == 0 and "1 unchanged" in again.output, again.output


def test_a_damaged_or_oversized_gzip_file_is_one_line(guild_cli: Cli) -> None:
    damaged = gzip.compress((json.dumps(FACT) + "\n").encode())[:-12]
    result = guild_cli("facts", "import", "-", input=damaged)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        "Error: file: a damaged gzip file (it does not decompress)"
    ]
    # A small file that would unpack far past what an import may hold.
    bomb = gzip.compress(b" " * (MAX_IMPORT_BYTES * 5))
    result = guild_cli("facts", "import", "-", input=bomb)
    assert result.exit_code == 1 and "once decompressed" in result.output
