#!/usr/bin/python3
"""Write torch.safetensors and torch_expected.json, the interop fixture of the checkpoint tests.

Run from this directory with Debian's python3-torch (1.13):

    /usr/bin/python3 gen_torch.py

Debian does not package the `safetensors` module, so this script writes the file the way its
writer does, following the format specification with struct and json: an 8-byte little-endian
header length, a JSON header padded with spaces to a multiple of 8, then the raw little-endian
bytes of each torch tensor (F32, F16, BF16, I64), sorted by dtype (widest first) then name.
torch_expected.json records every element as converted to float32 by torch itself
(`tensor.float()`), as float32 bit patterns so that NaN, infinities and -0 compare exactly.
"""
import json
import struct

import torch

tensors = {
    "weight": torch.arange(12, dtype=torch.float32).reshape(3, 4) / 7 - 0.5,
    "scalar": torch.tensor(3.25, dtype=torch.float32),
    "empty": torch.zeros(0, 5, dtype=torch.float32),
    # F16: normals, the largest finite, the smallest normal and subnormals, ±0, ±Inf, NaN.
    "half": torch.tensor(
        [1.0, -2.5, 65504.0, 6.103515625e-05, 5.960464477539063e-08, 3.0517578125e-05 + 5.960464477539063e-08,
         -0.0, float("inf"), float("-inf"), float("nan"), 0.1, -1234.5],
        dtype=torch.float16).reshape(2, 6),
    # BF16: normals, a subnormal, the largest finite, ±Inf, NaN, rounding of 1/3.
    "bf16": torch.tensor(
        [1.0, -3.0, 1.0 / 3.0, 9.183549615799121e-41, 3.3895313892515355e+38, float("inf"), float("-inf"), float("nan")],
        dtype=torch.bfloat16),
    "counter": torch.tensor([7, -1, 2**40], dtype=torch.int64),
}

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
RANK = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]


def raw_bytes(t):
    # View the storage as bytes through a same-width integer type (numpy has no bfloat16).
    t = t.contiguous()
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if t.dtype == torch.float32:
        return t.numpy().astype("<f4").tobytes()
    return t.numpy().astype("<i8").tobytes()


def main():
    names = sorted(tensors, key=lambda n: (-RANK.index(DTYPES[tensors[n].dtype]), n))
    header = {"__metadata__": {"format": "pt", "source": "gen_torch.py"}}
    data = b""
    for name in names:
        t = tensors[name]
        b = raw_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open("torch.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)

    expected = {}
    for name, t in tensors.items():
        if t.dtype == torch.int64:
            expected[name] = {"shape": list(t.shape), "i64": t.flatten().tolist()}
        else:
            f32 = t.float().flatten().numpy().astype("<f4")
            bits = [struct.unpack("<I", x.tobytes())[0] for x in f32]
            expected[name] = {"shape": list(t.shape), "f32_bits": bits}
    with open("torch_expected.json", "w") as f:
        json.dump({"torch_version": torch.__version__, "tensors": expected}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
