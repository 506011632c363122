"""The English frequency prior for words the base never uses."""

from __future__ import annotations

import gzip
from pathlib import Path

import msgpack

from bot.matcher.frequency import RARE_ZIPF, WordFrequency, _read_cb_pack


def test_everyday_words_are_common_and_names_rare() -> None:
    frequency = WordFrequency()
    assert frequency.zipf("the") > 7
    assert frequency.zipf("people") > frequency.zipf("weather") > frequency.zipf("hezbollah")
    assert frequency.zipf("shawarmaesque") == RARE_ZIPF


def test_a_cb_pack_is_read_by_bucket(tmp_path: Path) -> None:
    path = tmp_path / "list.msgpack.gz"
    data = [{"format": "cB", "version": 1}, ["the"], [], ["people", "like"]]
    path.write_bytes(gzip.compress(msgpack.packb(data)))
    assert _read_cb_pack(path) == {"the": 9.0, "people": 8.98, "like": 8.98}


def test_an_unreadable_list_makes_every_word_rare(tmp_path: Path) -> None:
    broken = tmp_path / "broken.msgpack.gz"
    broken.write_bytes(b"not gzip")
    assert _read_cb_pack(broken) == {}
    assert _read_cb_pack(None) == {}
    wrong = tmp_path / "wrong.msgpack.gz"
    wrong.write_bytes(gzip.compress(msgpack.packb([{"format": "other"}, ["the"]])))
    assert _read_cb_pack(wrong) == {}
