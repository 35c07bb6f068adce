"""Checksums of crypto-currency addresses, written out here (no extra dependency).

- Keccak-256 (the original Keccak padding used by Ethereum and Monero, not NIST SHA3-256);
- Bitcoin base58check (P2PKH ``1…``, P2SH ``3…``) and bech32 / bech32m segwit addresses
  (BIP 173, BIP 350);
- Ethereum EIP-55 mixed-case checksum;
- Monero base58 (8-byte blocks) with its Keccak-256 checksum (standard ``4…``, subaddress
  ``8…``, integrated addresses).
"""

from __future__ import annotations

import hashlib

_RC = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)
_ROT = ((0, 36, 3, 41, 18), (1, 44, 10, 45, 2), (62, 6, 43, 15, 61), (28, 55, 25, 21, 56), (27, 20, 39, 8, 14))
_MASK = (1 << 64) - 1


def _rol(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & _MASK if n else v


def _keccak_f(a: list[int]) -> list[int]:
    for rc in _RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [a[i] ^ d[i % 5] for i in range(25)]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = _rol(a[x + 5 * y], _ROT[x][y])
        a = [b[i] ^ ((~b[(i % 5 + 1) % 5 + 5 * (i // 5)]) & b[(i % 5 + 2) % 5 + 5 * (i // 5)]) for i in range(25)]
        a[0] ^= rc
    return a


def keccak256(data: bytes) -> bytes:
    """Keccak-256 with the original padding (0x01 … 0x80)."""
    rate = 136
    padded = bytearray(data)
    padded.append(0x01)
    while len(padded) % rate:
        padded.append(0)
    padded[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(padded), rate):
        block = padded[off:off + rate]
        for i in range(rate // 8):
            state[i] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        state = _keccak_f(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {ch: i for i, ch in enumerate(B58)}


def b58decode(s: str) -> bytes | None:
    n = 0
    for ch in s:
        i = _B58_INDEX.get(ch)
        if i is None:
            return None
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\x00" * (len(s) - len(s.lstrip("1"))) + body


def is_btc_base58(addr: str) -> bool:
    """A mainnet P2PKH (version 0x00) or P2SH (0x05) address with a valid base58check checksum."""
    raw = b58decode(addr)
    if raw is None or len(raw) != 25 or raw[0] not in (0x00, 0x05):
        return False
    return hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {ch: i for i, ch in enumerate(BECH32)}
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32M_CONST = 0x2BC830A3


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= _GEN[i]
    return chk


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for v in data:
        acc = (acc << frombits) | v
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def is_btc_bech32(addr: str) -> bool:
    """A mainnet segwit address (``bc1…``): bech32 for version 0, bech32m for versions 1–16."""
    if addr.lower() != addr and addr.upper() != addr:
        return False
    s = addr.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s) or len(s) > 90 or s[:pos] != "bc":
        return False
    try:
        data = [_BECH32_INDEX[ch] for ch in s[pos + 1:]]
    except KeyError:
        return False
    hrp = s[:pos]
    const = _polymod([ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp] + data)
    if not data or data[0] > 16:
        return False
    version = data[0]
    if const != (1 if version == 0 else _BECH32M_CONST):
        return False
    prog = _convertbits(data[1:-6], 5, 8)
    if prog is None or not 2 <= len(prog) <= 40:
        return False
    return not (version == 0 and len(prog) not in (20, 32))


def eip55(addr: str) -> str:
    """The EIP-55 checksummed spelling of a ``0x`` + 40 hex address."""
    low = addr[2:].lower()
    digest = keccak256(low.encode("ascii")).hex()
    return "0x" + "".join(ch.upper() if ch.isalpha() and int(digest[i], 16) >= 8 else ch for i, ch in enumerate(low))


def is_eth(addr: str) -> bool:
    """``0x`` + 40 hex; a mixed-case spelling must carry a valid EIP-55 checksum."""
    if len(addr) != 42 or addr[:2] not in ("0x", "0X"):
        return False
    body = addr[2:]
    if any(ch not in "0123456789abcdefABCDEF" for ch in body):
        return False
    if body == body.lower() or body == body.upper():
        return True
    return eip55(addr) == "0x" + body


_XMR_BLOCK = (0, 2, 3, 5, 6, 7, 9, 10, 11)  # encoded length of a block of 0..8 bytes
_XMR_PREFIXES = {18: 95, 42: 95, 19: 106}  # standard, subaddress, integrated (mainnet)


def _xmr_decode(s: str) -> bytes | None:
    out = bytearray()
    for off in range(0, len(s), 11):
        chunk = s[off:off + 11]
        try:
            size = _XMR_BLOCK.index(len(chunk))
        except ValueError:
            return None
        n = 0
        for ch in chunk:
            i = _B58_INDEX.get(ch)
            if i is None:
                return None
            n = n * 58 + i
        if n >> (8 * size):
            return None
        out += n.to_bytes(size, "big")
    return bytes(out)


def is_xmr(addr: str) -> bool:
    """A mainnet Monero address (standard, subaddress or integrated) with a valid Keccak checksum."""
    raw = _xmr_decode(addr)
    if raw is None or len(raw) < 69 or _XMR_PREFIXES.get(raw[0]) != len(addr):
        return False
    return keccak256(raw[:-4])[:4] == raw[-4:]
