"""QR code matrices for alphanumeric payloads, about ten times faster than segno's encoder.

Printing 1,000 certificates means 1,000 QR codes; segno (pure Python) spends ~6 ms on each,
mostly on placing the ~1,800 data modules one by one, masking them one by one and computing
Reed–Solomon codewords with list operations. A certificate payload (``JX1:`` + Base32) is
always one alphanumeric segment, so everything but the data can be prepared once per
(version, error level, mask): the function patterns, format and version information, the
order of the data modules and the mask over them. Per payload this module then only encodes
the characters into an integer, computes the error correction with whole-integer XORs and
writes the bit string into a copy of the prepared matrix.

segno stays the reference: it chooses the version and the (raised) error level for each
payload length, its tables (ECC blocks, generator polynomials, Galois field) are used, and
the unit tests compare the matrices with segno's for many payloads. Anything that is not a
single alphanumeric segment goes to segno unchanged.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter

import segno
from segno import consts, encoder

_ALPHANUMERIC = consts.ALPHANUMERIC_CHARS.decode("ascii")
_VALUE = {ch: i for i, ch in enumerate(_ALPHANUMERIC)}
_ONLY_ALPHANUMERIC = re.compile(f"[{re.escape(_ALPHANUMERIC)}]+")
_ERROR_NAMES = {
    consts.ERROR_LEVEL_L: "L",
    consts.ERROR_LEVEL_M: "M",
    consts.ERROR_LEVEL_Q: "Q",
    consts.ERROR_LEVEL_H: "H",
}
_ERROR_LEVELS = {name.lower(): level for level, name in _ERROR_NAMES.items()}


@dataclass(frozen=True)
class QrMatrix:
    """A QR symbol: ``matrix`` rows of 0/1 bytes (1 = dark), without the quiet zone."""

    matrix: tuple[bytes, ...]
    version: int
    error: str  # "L", "M", "Q" or "H"
    mask: int
    mode: str  # "alphanumeric", "byte", … (segno's names)

    def symbol_size(self, border: int = 4) -> tuple[int, int]:
        side = len(self.matrix) + 2 * border
        return side, side


@dataclass(frozen=True)
class _Layout:
    """What every symbol of one (version, error level, mask) shares."""

    version: int
    error: int
    base: bytes  # the whole matrix, row after row, every data module light
    positions: tuple[int, ...]  # flat index of each data module, in placement order
    gather: Callable[[bytes], tuple[int, ...]]  # (data bits + base) → the matrix, row after row
    mask_bits: int  # the mask over the data modules, as one integer (first module = top bit)
    blocks: tuple[tuple[int, int], ...]  # (data codewords, error codewords) of each block
    data_bits: int  # capacity of the data codewords in bits
    count_bits: int  # length of the character count indicator
    side: int
    byte_count_bits: int = 8  # the same for a byte-mode segment (a prefix)


_BITS = bytes.maketrans(b"01", b"\x00\x01")
_lock = threading.Lock()
_versions: dict[tuple[int, int, int], tuple[int, int]] = {}  # (length, error, mask) → (version, error)


def qr_matrix(payload: str, *, error: str = "m", mask: int | None, prefix: bytes = b"") -> QrMatrix:
    """The symbol segno makes with ``make_qr(payload, error=error, mask=mask)`` (boosted error level).

    ``prefix``: bytes before the payload in a byte-mode segment of their own (a verification
    address ``https://…?c=``), the payload staying alphanumeric: segno's
    ``make_qr([(prefix, "byte"), (payload, "alphanumeric")])``.

    ``mask=None`` (segno tries all eight) and payloads that are not one alphanumeric segment
    are made by segno itself."""
    segments = [(prefix, consts.MODE_BYTE), (payload, consts.MODE_ALPHANUMERIC)]
    content: object = segments if prefix else payload
    if mask is None or not payload or not _ONLY_ALPHANUMERIC.fullmatch(payload):
        whole = prefix + payload.encode("utf-8") if prefix else payload
        return _from_segno(segno.make_qr(whole, error=error, mask=mask))
    level = _ERROR_LEVELS[error.lower()]
    key = (len(prefix), len(payload), level, mask)
    with _lock:
        chosen = _versions.get(key)
    if chosen is None:  # segno decides the version and error level for this length, once
        reference = segno.make_qr(content, error=error, mask=mask)
        if (not prefix and reference.mode != "alphanumeric") or not isinstance(reference.version, int):
            return _from_segno(reference)
        chosen = (reference.version, _ERROR_LEVELS[str(reference.error).lower()])
        with _lock:
            _versions[key] = chosen
    layout = _layout(chosen[0], chosen[1], mask)
    return _encode(payload, layout, mask, prefix)


def _from_segno(symbol: segno.QRCode) -> QrMatrix:
    return QrMatrix(
        tuple(bytes(row) for row in symbol.matrix),
        int(symbol.version) if isinstance(symbol.version, int) else 0,
        symbol.error or "",
        int(symbol.mask),
        symbol.mode or "",
    )


def _encode(payload: str, layout: _Layout, mask: int, prefix: bytes = b"") -> QrMatrix:
    bits, length = 0, 0
    if prefix:  # 7.4.5: mode 0100, byte count, 8 bits a byte
        bits = (0b0100 << layout.byte_count_bits) | len(prefix)
        bits = (bits << 8 * len(prefix)) | int.from_bytes(prefix, "big")
        length = 4 + layout.byte_count_bits + 8 * len(prefix)
    # ISO/IEC 18004:2015 7.4.4: mode 0010, character count, pairs in 11 bits, a last single in 6
    values = [_VALUE[ch] for ch in payload]
    bits = (bits << 4 + layout.count_bits) | (0b0010 << layout.count_bits) | len(values)
    length += 4 + layout.count_bits
    pairs = len(values) - len(values) % 2
    for i in range(0, pairs, 2):
        bits = (bits << 11) | (values[i] * 45 + values[i + 1])
    length += 11 * (pairs // 2)
    if pairs != len(values):
        bits, length = (bits << 6) | values[-1], length + 6
    # terminator (up to 4 zero bits), zero bits to a byte boundary, then pad codewords. Like
    # segno, a stream already on a boundary gets a whole zero byte (decoders ignore anything
    # after the terminator), so that the symbols are the very ones segno makes.
    terminator = min(4, layout.data_bits - length)
    bits, length = bits << terminator, length + terminator
    padding = 8 - length % 8
    bits, length = bits << padding, length + padding
    data = bytearray(bits.to_bytes(length // 8, "big")[: layout.data_bits // 8])
    pad = 0
    while len(data) * 8 < layout.data_bits:
        data.append(0xEC if pad % 2 == 0 else 0x11)
        pad += 1
    # blocks, their error correction codewords, interleaved (7.5, 7.6)
    data_blocks, error_blocks = [], []
    start = 0
    for size, ec_size in layout.blocks:
        block = data[start : start + size]
        start += size
        data_blocks.append(block)
        error_blocks.append(_error_codewords(block, ec_size))
    message = bytearray()
    for column in range(max(len(b) for b in data_blocks)):
        message.extend(b[column] for b in data_blocks if column < len(b))
    for column in range(max(len(b) for b in error_blocks)):
        message.extend(b[column] for b in error_blocks if column < len(b))
    count = len(layout.positions)
    stream = int.from_bytes(message, "big") << (count - 8 * len(message))  # remainder bits are 0
    masked = format(stream ^ layout.mask_bits, f"0{count}b").encode("ascii").translate(_BITS)
    flat = bytes(layout.gather(masked + layout.base))  # every module in one C-level step
    side = layout.side
    rows = tuple(bytes(flat[r * side : (r + 1) * side]) for r in range(side))
    mode = "byte" if prefix else "alphanumeric"
    return QrMatrix(rows, layout.version, _ERROR_NAMES[layout.error], mask, mode)


@cache
def _generator_table(ec_size: int) -> tuple[int, ...]:
    """For each factor f: the generator polynomial times f, as one ``ec_size``-byte integer."""
    log, exp, gen = consts.GALIOS_LOG, consts.GALIOS_EXP, consts.GEN_POLY[ec_size]
    table = [0]
    for factor in range(1, 256):
        table.append(int.from_bytes(bytes(exp[log[factor] + g] for g in gen), "big"))
    return tuple(table)


def _error_codewords(block: bytes | bytearray, ec_size: int) -> bytes:
    """Reed–Solomon remainder of ``block`` (a linear feedback shift register over whole integers)."""
    table = _generator_table(ec_size)
    shift = 8 * (ec_size - 1)
    keep = (1 << shift) - 1
    remainder = 0
    for byte in block:
        remainder = ((remainder & keep) << 8) ^ table[byte ^ (remainder >> shift)]
    return remainder.to_bytes(ec_size, "big")


@lru_cache(maxsize=64)
def _layout(version: int, error: int, mask: int) -> _Layout:
    side = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(side, side)
    encoder.add_finder_patterns(matrix, side, side)
    encoder.add_alignment_patterns(matrix, side, side)
    # the data modules in placement order (as segno's add_codewords walks them, 7.7.3)
    cells: list[tuple[int, int]] = []
    for right in range(side - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(side):
            for z in range(2):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (side - 1 - vertical) if upwards else vertical
                if matrix[i][j] == 0x2:
                    matrix[i][j] = 0x3  # taken
                    cells.append((i, j))
    pattern = encoder.get_data_mask_functions(False)[mask]
    mask_bits = 0
    for i, j in cells:
        bit = 1 if pattern(i, j) else 0
        mask_bits = (mask_bits << 1) | bit
        matrix[i][j] = 0
    encoder.add_format_info(matrix, version, error, mask)
    encoder.add_version_info(matrix, version)
    ecc: tuple = consts.ECC[version][error]  # type: ignore[index]
    blocks = tuple(
        (info.num_data, info.num_total - info.num_data) for info in ecc for _ in range(info.num_blocks)
    )
    count_bits = consts.CHAR_COUNT_INDICATOR_LENGTH[consts.MODE_ALPHANUMERIC][encoder.version_range(version)]
    positions = tuple(i * side + j for i, j in cells)
    # Module f of the matrix comes from data bit k where f is the k-th data module, otherwise
    # from the base matrix (which follows the data bits in the gathered bytes).
    source = [len(positions) + f for f in range(side * side)]
    for k, f in enumerate(positions):
        source[f] = k
    return _Layout(
        version=version,
        error=error,
        base=b"".join(bytes(row) for row in matrix),
        positions=positions,
        gather=itemgetter(*source),
        mask_bits=mask_bits,
        blocks=blocks,
        data_bits=8 * sum(size for size, _ in blocks),
        count_bits=count_bits,
        side=side,
        byte_count_bits=consts.CHAR_COUNT_INDICATOR_LENGTH[consts.MODE_BYTE][encoder.version_range(version)],
    )
