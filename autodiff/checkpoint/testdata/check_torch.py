#!/usr/bin/python3
"""Load a safetensors file into torch tensors without the safetensors module, and print them.

    /usr/bin/python3 check_torch.py FILE [NAME=VALUES ...]

Each NAME=v1,v2,... argument is checked against the flattened tensor (float comparison with a
relative tolerance of 1e-6); the script exits with status 1 on a mismatch. With the safetensors
module installed, `safetensors.torch.load_file(FILE)` gives the same tensors.
"""
import json
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
          "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "I8": torch.int8, "BOOL": torch.bool}


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:e]), dtype=DTYPES[info["dtype"]]) if e > b else torch.zeros(0, dtype=DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"])
    return out, meta


def main():
    tensors, meta = load(sys.argv[1])
    print("metadata:", meta)
    for name in sorted(tensors):
        print(name, tensors[name].dtype, list(tensors[name].shape), tensors[name].flatten().tolist())
    ok = True
    for arg in sys.argv[2:]:
        name, values = arg.split("=", 1)
        want = torch.tensor([float(v) for v in values.split(",")], dtype=torch.float64)
        got = tensors[name].flatten().to(torch.float64)
        if got.shape != want.shape or not torch.allclose(got, want, rtol=1e-6, atol=0):
            print("MISMATCH", name, got.tolist(), want.tolist())
            ok = False
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
