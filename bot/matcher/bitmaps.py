"""Sets of fact slots as bitmaps: an int with bit s set for the fact in slot s.

Intersecting two lists of thousands of facts is then a few hundred word operations in C,
and an int holds no objects for the collector to walk, where a set of slots holds one
per fact.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence

# A list this many times sparser than its highest slot is made a byte at a time.
_SPARSE = 16
# An array type of 32-bit words, and whether its bytes need swapping to be little-endian.
_WORD = next(code for code in "IL" if array(code).itemsize == 4)
_SWAP = sys.byteorder == "big"
# The slots each byte value holds, lowest first.
_BYTE_SLOTS = tuple(tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256))


def bitmap(runs: Sequence[Sequence[int]], count: int) -> int:
    """The slots of `runs` as one bitmap, `count` slots in all. Each run ascending, as a
    slot set's chunks are."""
    top = max((run[-1] for run in runs if run), default=-1)
    if top < 0:
        return 0
    if count * _SPARSE < top:
        # Few slots: one byte each, in a buffer the size of the bitmap.
        buffer = bytearray((top >> 3) + 1)
        for run in runs:
            for slot in run:
                buffer[slot >> 3] |= 1 << (slot & 7)
        return int.from_bytes(buffer, "little")
    # Many: 32-bit words, each a small int while it is filled in, and stored once for each
    # run of slots it holds.
    words = [0] * ((top >> 5) + 1)
    for run in runs:
        at, word = -1, 0
        for slot in run:
            if slot >> 5 != at:
                if at >= 0:
                    words[at] |= word
                at, word = slot >> 5, 0
            word |= 1 << (slot & 31)
        if at >= 0:
            words[at] |= word
    packed = array(_WORD, words)
    if _SWAP:
        packed.byteswap()
    return int.from_bytes(packed.tobytes(), "little")


def slots_of(bits: int) -> list[int]:
    """The slots a bitmap holds, lowest first."""
    slots: list[int] = []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index in range(len(data)):
        value = data[index]
        if value:
            base = index << 3
            for bit in _BYTE_SLOTS[value]:
                slots.append(base + bit)
    return slots
