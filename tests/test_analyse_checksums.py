"""Crypto-address checksums written in rescue.analyse.checksums, against published test vectors."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.analyse import checksums as c

GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
P2SH = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
BECH32_V0 = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"  # BIP 173
BECH32M_V1 = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"  # BIP 350
EIP55 = ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
         "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")
XMR = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"


def test_keccak256_vectors() -> None:
    assert c.keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert c.keccak256(b"abc").hex() == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    # not NIST SHA3-256, whose padding differs
    assert c.keccak256(b"abc") != hashlib.sha3_256(b"abc").digest()


def test_keccak_multi_block() -> None:
    data = bytes(range(256)) * 3  # longer than the 136-byte rate
    assert len(c.keccak256(data)) == 32
    assert c.keccak256(data) != c.keccak256(data[:-1])


def test_bitcoin_base58check() -> None:
    assert c.is_btc_base58(GENESIS) and c.is_btc_base58(P2SH)
    assert not c.is_btc_base58(GENESIS[:-1] + "b")  # one character changed: checksum fails
    assert not c.is_btc_base58(GENESIS.replace("1", "0", 1))  # 0 is not base58
    assert not c.is_btc_base58("1" * 30)


def test_bitcoin_bech32_and_bech32m() -> None:
    assert c.is_btc_bech32(BECH32_V0) and c.is_btc_bech32(BECH32_V0.upper())
    assert c.is_btc_bech32(BECH32M_V1)
    assert not c.is_btc_bech32(BECH32_V0[:-1] + "5")
    assert not c.is_btc_bech32(BECH32_V0[:10] + BECH32_V0[10:].upper())  # mixed case is invalid
    assert not c.is_btc_bech32("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx")  # testnet, not mainnet


@pytest.mark.parametrize("addr", EIP55)
def test_ethereum_eip55(addr: str) -> None:
    assert c.is_eth(addr)
    assert c.eip55(addr.lower()) == addr
    assert c.is_eth(addr.lower()) and c.is_eth("0x" + addr[2:].upper())  # single case: no checksum
    i = next(k for k in range(2, 42) if addr[k].isalpha())
    assert not c.is_eth(addr[:i] + addr[i].swapcase() + addr[i + 1:])  # one letter's case flipped
    assert not c.is_eth(addr[:-1])


def test_monero() -> None:
    assert c.is_xmr(XMR)
    assert not c.is_xmr(XMR[:-1] + ("B" if XMR[-1] != "B" else "C"))
    assert not c.is_xmr(XMR[:-1])


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=20, max_size=20), st.sampled_from([0x00, 0x05]))
def test_base58check_roundtrip(payload: bytes, version: int) -> None:
    raw = bytes([version]) + payload
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    n = int.from_bytes(raw, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = c.B58[r] + s
    s = "1" * (len(raw) - len(raw.lstrip(b"\0"))) + s
    assert c.b58decode(s) == raw
    assert c.is_btc_base58(s)
