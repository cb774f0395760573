#!/usr/bin/python3
"""Make the GPT-2 parity fixture of package lm, or a random checkpoint of GPT-2 124M's shapes.

Run from lm/testdata/gen with Debian's python3-torch (1.13):

    /usr/bin/python3 make_tiny_gpt2.py                       # writes ../tinygpt2/
    /usr/bin/python3 make_tiny_gpt2.py --gpt2-124m DIR       # ~500 MB random GPT-2 124M in DIR

The fixture (../tinygpt2/) is a tiny random GPT-2 - vocabulary 101, 32 positions, 2 layers,
2 heads, width 16 - with non-trivial weights (larger than GPT-2's initialisation, random
layer-norm gains and biases) so that every part of the network shows in the logits:

    config.json         Hugging Face GPT2Config fields
    model.safetensors   the weights as GPT2LMHeadModel saves them: names prefixed with
                        "transformer.", a tied copy of the embedding as lm_head.weight, and the
                        attention-mask buffers attn.bias (BOOL) and attn.masked_bias (F32)
    ids.json            {"batch", "seq", "vocab", "ids"}: two sequences of 32 random tokens
    logits.f32          the expected logits (batch, seq, vocab), little-endian float32

The transformers module is not available here, so the reference forward pass below is written
with plain torch operations, following transformers' GPT2Model and GPT2LMHeadModel step by
step: token plus position embeddings; per block, h += c_proj(attn(ln_1(h))) and
h += mlp.c_proj(gelu_new(mlp.c_fc(ln_2(h)))); Conv1D layers computing x @ W + b with W stored
(in, out); attention weights q @ k^T / sqrt(head_dim), masked causally, softmax, @ v; a final
ln_f; logits = ln_f(h) @ wte^T. It runs in float64 on the float32 weights, so the expected
logits carry no float32 rounding of their own.

Debian does not package the safetensors module either; the file is written as its writer
does: 8-byte little-endian header length, JSON header padded with spaces to a multiple of 8
(with {"format": "pt"} metadata, which transformers requires), then the tensors' bytes sorted
by dtype (widest first) and name.
"""
import argparse
import json
import math
import os
import struct

import torch

RANK = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
DTYPES = {torch.float32: "F32", torch.bool: "BOOL"}
SIZES = {"F32": 4, "BOOL": 1}


def gpt2_params(vocab, n_pos, layers, width, std, ln_noise, bias_std, gen):
    """Random GPT-2 parameters under Hugging Face names (no prefix), float32."""
    def normal(*shape, s=std):
        return torch.randn(*shape, generator=gen, dtype=torch.float32) * s

    def ln(name):
        p[name + ".weight"] = 1 + normal(width, s=ln_noise)
        p[name + ".bias"] = normal(width, s=ln_noise)

    p = {"wte.weight": normal(vocab, width), "wpe.weight": normal(n_pos, width)}
    for i in range(layers):
        h = f"h.{i}."
        ln(h + "ln_1")
        p[h + "attn.c_attn.weight"] = normal(width, 3 * width)
        p[h + "attn.c_attn.bias"] = normal(3 * width, s=bias_std)
        p[h + "attn.c_proj.weight"] = normal(width, width, s=std / math.sqrt(2 * layers))
        p[h + "attn.c_proj.bias"] = normal(width, s=bias_std)
        ln(h + "ln_2")
        p[h + "mlp.c_fc.weight"] = normal(width, 4 * width)
        p[h + "mlp.c_fc.bias"] = normal(4 * width, s=bias_std)
        p[h + "mlp.c_proj.weight"] = normal(4 * width, width, s=std / math.sqrt(2 * layers))
        p[h + "mlp.c_proj.bias"] = normal(width, s=bias_std)
    ln("ln_f")
    return p


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def gpt2_logits(p, cfg, ids):
    """GPT2LMHeadModel's logits for ids (batch, seq), computed in float64."""
    p = {k: v.double() for k, v in p.items()}
    b, t = ids.shape
    c, nh, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    d = c // nh
    h = p["wte.weight"][ids] + p["wpe.weight"][torch.arange(t)]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(cfg["n_layer"]):
        pre = f"h.{i}."
        a = layer_norm(h, p[pre + "ln_1.weight"], p[pre + "ln_1.bias"], eps)
        qkv = a @ p[pre + "attn.c_attn.weight"] + p[pre + "attn.c_attn.bias"]
        q, k, v = qkv.split(c, dim=2)
        q, k, v = [z.view(b, t, nh, d).permute(0, 2, 1, 3) for z in (q, k, v)]
        w = q @ k.transpose(-1, -2) / torch.full([], float(d) ** 0.5, dtype=torch.float64)
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        w = torch.softmax(w, dim=-1)
        o = (w @ v).permute(0, 2, 1, 3).reshape(b, t, c)
        h = h + o @ p[pre + "attn.c_proj.weight"] + p[pre + "attn.c_proj.bias"]
        m = layer_norm(h, p[pre + "ln_2.weight"], p[pre + "ln_2.bias"], eps)
        m = gelu_new(m @ p[pre + "mlp.c_fc.weight"] + p[pre + "mlp.c_fc.bias"])
        h = h + m @ p[pre + "mlp.c_proj.weight"] + p[pre + "mlp.c_proj.bias"]
    h = layer_norm(h, p["ln_f.weight"], p["ln_f.bias"], eps)
    return h @ p["wte.weight"].T


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bool:
        return t.to(torch.uint8).numpy().tobytes()
    return t.numpy().astype("<f4").tobytes()


def write_safetensors(path, tensors, metadata):
    """Writes tensors (name -> torch tensor) as the safetensors reference writer lays them out."""
    names = sorted(tensors, key=lambda n: (-RANK.index(DTYPES[tensors[n].dtype]), n))
    header = {"__metadata__": metadata}
    off = 0
    for name in names:
        t = tensors[name]
        n = t.numel() * SIZES[DTYPES[t.dtype]]
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + n]}
        off += n
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for name in names:
            f.write(raw_bytes(tensors[name]))


def config(vocab, n_pos, layers, heads, width):
    return {
        "model_type": "gpt2",
        "architectures": ["GPT2LMHeadModel"],
        "vocab_size": vocab,
        "n_positions": n_pos,
        "n_ctx": n_pos,
        "n_embd": width,
        "n_layer": layers,
        "n_head": heads,
        "n_inner": None,
        "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5,
        "initializer_range": 0.02,
        "resid_pdrop": 0.0,
        "embd_pdrop": 0.0,
        "attn_pdrop": 0.0,
        "scale_attn_weights": True,
        "tie_word_embeddings": True,
        "bos_token_id": vocab - 1,
        "eos_token_id": vocab - 1,
    }


def write_config(out, cfg):
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")


def tiny(out):
    os.makedirs(out, exist_ok=True)
    vocab, n_pos, layers, heads, width = 101, 32, 2, 2, 16
    gen = torch.Generator().manual_seed(20240501)
    cfg = config(vocab, n_pos, layers, heads, width)
    p = gpt2_params(vocab, n_pos, layers, width, std=0.3, ln_noise=0.2, bias_std=0.1, gen=gen)
    ids = torch.randint(0, vocab, (2, n_pos), generator=gen)
    logits = gpt2_logits(p, cfg, ids)

    stored = {"transformer." + k: v for k, v in p.items()}
    stored["lm_head.weight"] = p["wte.weight"].clone()
    mask = torch.tril(torch.ones(n_pos, n_pos, dtype=torch.bool)).view(1, 1, n_pos, n_pos)
    for i in range(layers):
        stored[f"transformer.h.{i}.attn.bias"] = mask
        stored[f"transformer.h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    write_config(out, cfg)
    write_safetensors(os.path.join(out, "model.safetensors"), stored, {"format": "pt"})
    with open(os.path.join(out, "ids.json"), "w") as f:
        json.dump({"batch": 2, "seq": n_pos, "vocab": vocab, "ids": ids.flatten().tolist()}, f)
        f.write("\n")
    with open(os.path.join(out, "logits.f32"), "wb") as f:
        f.write(logits.float().numpy().astype("<f4").tobytes())


def gpt2_124m(out):
    """A random checkpoint with GPT-2 124M's exact shapes and names (as the hub's gpt2)."""
    os.makedirs(out, exist_ok=True)
    vocab, n_pos, layers, heads, width = 50257, 1024, 12, 12, 768
    gen = torch.Generator().manual_seed(124)
    p = gpt2_params(vocab, n_pos, layers, width, std=0.02, ln_noise=0.02, bias_std=0.0, gen=gen)
    mask = torch.tril(torch.ones(n_pos, n_pos, dtype=torch.bool)).view(1, 1, n_pos, n_pos)
    for i in range(layers):
        p[f"h.{i}.attn.bias"] = mask
    write_config(out, config(vocab, n_pos, layers, heads, width))
    write_safetensors(os.path.join(out, "model.safetensors"), p, {"format": "pt"})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tinygpt2"),
                    help="directory of the tiny fixture (default ../tinygpt2)")
    ap.add_argument("--gpt2-124m", metavar="DIR", help="write a random GPT-2 124M checkpoint to DIR instead")
    args = ap.parse_args()
    if args.gpt2_124m:
        gpt2_124m(args.gpt2_124m)
    else:
        tiny(args.out)


if __name__ == "__main__":
    main()
