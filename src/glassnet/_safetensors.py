"""The safetensors layout of glassnet's model files, both ways, with every check of a header.

A safetensors file is an 8-byte little-endian header length ``n``, ``n`` bytes of JSON, then
the raw tensor bytes. The JSON maps each tensor name to ``{"dtype", "shape", "data_offsets"}``
(offsets into the data section) and ``__metadata__`` to string → string. glassnet's metadata
(``glassnet_format``, ``format_version``, ``architecture``, …, ``sha256``) is described in
:mod:`glassnet.io`, which turns these checked pieces into networks.

Everything here treats the file as untrusted: sizes are bounded before anything is read or
allocated, the JSON must be strict (no NaN literals, no duplicate keys), and the tensors must
tile the data section exactly. Any problem is a :class:`~glassnet.errors.ModelFileError`
naming the file.
"""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np

from .errors import ModelFileError

FORMAT_VERSION = 1
MAX_HEADER_BYTES = 100_000_000        # the limit the safetensors library itself uses
MAX_FILE_BYTES = 64 * 2**30
DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8")}
DTYPE_CODES = {"float32": "F32", "float64": "F64"}
META_KEYS = {"model": {"glassnet_format", "format_version", "glassnet_version", "architecture", "trainable",
                       "sha256"},
             "checkpoint": {"glassnet_format", "format_version", "glassnet_version", "architecture", "trainable",
                            "sha256", "optimizer", "training_state"}}


# ---------------------------------------------------------------- writing

def canonical(header: dict) -> bytes:
    """The header as sorted, compact JSON: the bytes the ``sha256`` entry is computed over."""
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def encode(tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> list:
    """The file as chunks: length + header, then each tensor's bytes (sorted by itemsize, then name)."""
    order = sorted(tensors, key=lambda n: (-tensors[n].dtype.itemsize, n))
    header, chunks, offset = {}, [], 0
    for name in order:
        arr = np.ascontiguousarray(tensors[name], dtype=DTYPES[DTYPE_CODES[tensors[name].dtype.name]])
        header[name] = {"dtype": DTYPE_CODES[arr.dtype.name], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + arr.nbytes]}
        chunks.append(memoryview(arr.reshape(-1)).cast("B"))
        offset += arr.nbytes
    digest = hashlib.sha256(canonical({**header, "__metadata__": metadata}))
    for chunk in chunks:
        digest.update(chunk)
    text = json.dumps({"__metadata__": {**metadata, "sha256": digest.hexdigest()}, **header},
                      separators=(",", ":"), ensure_ascii=True).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as the safetensors library writes it
    return [len(text).to_bytes(8, "little") + text, *chunks]


# ---------------------------------------------------------------- reading

def fail(path: str, problem: str) -> ModelFileError:
    """The error for a bad file: ``PATH: PROBLEM``."""
    return ModelFileError(f"{path}: {problem}")


def short(obj, limit: int = 120) -> str:
    """``repr(obj)``, cut to ``limit`` characters (an untrusted value may be huge)."""
    text = repr(obj)
    return text if len(text) <= limit else text[:limit] + "…"


def is_int(x) -> bool:
    """A JSON integer (``True`` is not one)."""
    return isinstance(x, int) and not isinstance(x, bool)


def strict_json(raw, path: str, what: str):
    """Standard JSON only: no NaN/Infinity literals, no duplicate keys, valid UTF-8."""
    def pairs(items):
        obj = {}
        for key, value in items:
            if key in obj:
                raise ValueError(f"duplicate key {key!r}")
            obj[key] = value
        return obj

    def constant(name):
        raise ValueError(f"{name} is not valid JSON")

    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except (ValueError, RecursionError) as exc:
        raise fail(path, f"{what} is not valid JSON ({short(str(exc), 200)}): "
                         "the file is damaged or not a glassnet model file") from None


#: bytes of text: tab, newline, carriage return and the printable ASCII range (UTF-8 beyond it)
_TEXT = frozenset(b"\t\n\r") | frozenset(range(0x20, 0x7F)) | frozenset(range(0x80, 0x100))


def sniff_data(head: bytes) -> str | None:
    """What a data file that is not a model file looks like from its first 8 bytes, or None.

    Eight bytes of text can never start a safetensors file (their header length would exceed
    any limit), nor can an IDX file's two zero bytes and type code followed by its sizes.
    """
    if len(head) == 8 and set(head) <= _TEXT:
        return "a text file (CSV, JSON, …)"
    if len(head) == 8 and head[:2] == b"\x00\x00" and head[2] in (0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E) \
            and head[3] >= 1 and head[4:6] == b"\x00\x00":
        return "an IDX data file (the MNIST format)"
    if head.startswith(b"\x1f\x8b"):
        return "a gzip-compressed file (data such as t10k-images-idx3-ubyte.gz?)"
    return None


def looks_like_safetensors(path) -> bool:
    """Whether the file at ``path`` starts as a safetensors file does: a header length that fits the
    file, then ``{``. Reads 9 bytes; False for a file that cannot be read."""
    try:
        with open(path, "rb") as f:
            head = f.read(9)
            size = f.seek(0, 2)
    except OSError:
        return False
    n = int.from_bytes(head[:8], "little")
    return len(head) == 9 and n <= MAX_HEADER_BYTES and 8 + n <= size and head[8:9] == b"{"


def _sniff(head: bytes, path: str) -> None:
    """Name the usual wrong files, whose first bytes make no sense as a header length."""
    kind = sniff_data(head)
    if kind:
        raise fail(path, f"is {kind}, not a glassnet model file; glassnet reads .safetensors files written by "
                         "glassnet.io.save or glassnet train")
    if head.startswith(b"PK\x03\x04"):
        raise fail(path, "is a zip archive (a NumPy .npz, a PyTorch .pt or a Keras file?), not a glassnet "
                         "model file; glassnet reads .safetensors files written by glassnet.io.save")
    if head.startswith(b"\x93NUMPY"):
        raise fail(path, "is a NumPy .npy file, not a glassnet model file")
    if head.startswith(b"\x89HDF"):
        raise fail(path, "is an HDF5 file (Keras .h5?), not a glassnet model file")
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise fail(path, "is a Python pickle; glassnet never unpickles files (unpickling can run code). "
                         "Save models with glassnet.io.save")


def _check_spec(name: str, spec, path: str) -> tuple[str, tuple[int, ...], int, int]:
    if not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "data_offsets"}:
        raise fail(path, f"tensor {name!r}: its header entry must have exactly dtype, shape and data_offsets")
    dtype, shape, offsets = spec["dtype"], spec["shape"], spec["data_offsets"]
    if dtype not in DTYPES:
        raise fail(path, f"tensor {name!r} has dtype {short(dtype)}; glassnet files hold only F32 or F64")
    if not isinstance(shape, list) or len(shape) > 8 or not all(is_int(s) and s >= 0 for s in shape):
        raise fail(path, f"tensor {name!r} has shape {short(shape)}; expected a list of at most 8 sizes ≥ 0")
    if (not isinstance(offsets, list) or len(offsets) != 2 or not all(is_int(o) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1]):
        raise fail(path, f"tensor {name!r} has data_offsets {short(offsets)}; expected [begin, end], 0 ≤ begin ≤ end")
    nbytes = math.prod(shape) * DTYPES[dtype].itemsize
    if offsets[1] - offsets[0] != nbytes:
        raise fail(path, f"tensor {name!r}: shape {shape} × {dtype} needs {nbytes:,} bytes, "
                         f"but its data_offsets span {offsets[1] - offsets[0]:,}")
    return dtype, tuple(shape), offsets[0], offsets[1]


def _check_offsets(specs: dict, data_len: int, path: str) -> None:
    """The tensors must tile the data section exactly: no overlap, no gap, nothing left over."""
    position = 0
    for begin, end, name in sorted((s[2], s[3], name) for name, s in specs.items()):
        if begin < position:
            raise fail(path, f"tensor {name!r} (bytes {begin}–{end}) overlaps the tensor before it")
        if begin > position:
            raise fail(path, f"the data has a gap of {begin - position} bytes before tensor {name!r}")
        position = end
    if position != data_len:
        hint = "truncated?" if position > data_len else "unexpected trailing bytes"
        raise fail(path, f"the tensors need {position:,} bytes of data but the file holds {data_len:,} ({hint})")


def read_header(f, path: str, size: int) -> tuple[dict, dict, int]:
    """Read and check the header of the open file ``f`` (``size`` bytes long).

    Returns ``(header, specs, data_len)``: the header's JSON, each tensor's checked
    ``(dtype, shape, begin, end)`` by name, and the length of the data section, which the
    tensors tile exactly. Common wrong files (zip, .npy, HDF5, pickle) are named as such.
    """
    if size > MAX_FILE_BYTES:
        raise fail(path, f"is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a glassnet model file may be")
    if size < 8:
        raise fail(path, f"is only {size} bytes long: too short for a safetensors file (truncated?)")
    head = f.read(8)
    n = int.from_bytes(head, "little")
    if n > MAX_HEADER_BYTES or 8 + n > size or f.read(1) != b"{":
        _sniff(head, path)  # only now: a real header length may begin with the bytes of a signature
    f.seek(8)
    if n > MAX_HEADER_BYTES:
        raise fail(path, f"declares a {n:,}-byte header, more than the {MAX_HEADER_BYTES:,} allowed: "
                         "the file is damaged or not a safetensors file")
    if 8 + n > size:
        raise fail(path, f"declares a {n:,}-byte header but only {size - 8:,} bytes follow (truncated?)")
    raw = f.read(n)
    if len(raw) != n or not raw.startswith(b"{"):
        raise fail(path, "the header does not start with '{': the file is damaged or not a safetensors file")
    header = strict_json(raw, path, "the header")
    if not isinstance(header, dict):
        raise fail(path, "the header is not a JSON object")
    meta = header.get("__metadata__")
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise fail(path, "has no glassnet metadata (a safetensors file from another tool?); "
                         "glassnet loads files written by glassnet.io.save")
    specs = {name: _check_spec(name, spec, path) for name, spec in header.items() if name != "__metadata__"}
    _check_offsets(specs, size - 8 - n, path)
    return header, specs, size - 8 - n


def parse_metadata(meta: dict, path: str, want: str) -> tuple[str, dict]:
    """``(format, parsed)``: the glassnet format ("model" or "checkpoint", which ``want`` may require)
    and the metadata entries that hold JSON, parsed strictly; the keys, version and checksum checked."""
    fmt = meta.get("glassnet_format")
    if fmt not in META_KEYS:
        raise fail(path, f"is not a glassnet model file (glassnet_format is {short(fmt)})")
    if want == "checkpoint" and fmt != "checkpoint":
        raise fail(path, "is a model file, not a checkpoint: it holds no optimizer state to resume from")
    version = meta.get("format_version")
    if version != str(FORMAT_VERSION):
        newer = isinstance(version, str) and version.isdigit() and int(version) > FORMAT_VERSION
        raise fail(path, f"has format_version {short(version)}; this glassnet reads version {FORMAT_VERSION}"
                         + (": upgrade glassnet to load it" if newer else ""))
    missing = sorted(META_KEYS[fmt] - set(meta))
    extra = sorted(set(meta) - META_KEYS[fmt] - {"training"})
    if missing or extra:
        raise fail(path, "metadata " + "; ".join(
            ([f"lacks {', '.join(missing)}"] if missing else []) + ([f"has unknown {', '.join(extra)}"] if extra else [])))
    sha = meta["sha256"]
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise fail(path, "its sha256 checksum is malformed")
    parsed = {key: strict_json(meta[key], path, f"the metadata entry {key!r}")
              for key in ("architecture", "trainable", "training", "optimizer", "training_state") if key in meta}
    if "training" in parsed and not isinstance(parsed["training"], dict):
        raise fail(path, "the metadata entry 'training' is not a JSON object")
    return fmt, parsed


def verify_checksum(header: dict, data: bytes, path: str) -> None:
    """The header's ``sha256`` must be the digest of the header without it (canonical JSON) and the data."""
    meta = {k: v for k, v in header["__metadata__"].items() if k != "sha256"}
    digest = hashlib.sha256(canonical({**header, "__metadata__": meta}))
    digest.update(data)
    if digest.hexdigest() != header["__metadata__"]["sha256"]:
        raise fail(path, "checksum mismatch: the file was changed or damaged after glassnet saved it")
