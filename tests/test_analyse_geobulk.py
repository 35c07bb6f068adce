"""The whole-column IPv4 lookup in the geoip2fast snapshot answers exactly as the per-address lookup."""

from __future__ import annotations

import random
import socket
import struct

from rescue.analyse.geo import SnapshotProvider
from rescue.analyse.geobulk import snapshot_records


def _ip(n: int) -> str:
    return socket.inet_ntoa(struct.pack(">L", n))


def test_bulk_equals_lookup_on_random_and_edge_addresses() -> None:
    provider = SnapshotProvider()
    rnd = random.Random(7)
    ints = [rnd.randrange(2 ** 32) for _ in range(20_000)]
    ints += [0, 2 ** 32 - 1, 0x0A010203, 0x64400101, 0x7F000001, 0x01000000, 0x08080808, 0xDFFFFFFF]
    got = snapshot_records(provider, ints)
    fast = 0
    for n, rec in zip(ints, got, strict=True):
        if rec is not None:
            fast += 1
            assert rec == provider.lookup(_ip(n)), _ip(n)
    assert fast > len(ints) // 2  # most public addresses are answered in bulk
    assert got[-1] is not None and got[-1].country == provider.lookup("223.255.255.255").country
    assert snapshot_records(provider, [0x0A010203])[0] is None  # private-use: left to the provider's lookup


def test_other_providers_are_left_alone() -> None:
    assert snapshot_records(object(), [0x08080808, 0x01010101]) == [None, None]
    assert snapshot_records(SnapshotProvider(), []) == []
