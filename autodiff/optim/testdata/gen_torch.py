#!/usr/bin/python3
"""Generate torch_optim.json: reference numbers for the optim tests from torch.optim.

Run from this directory with Debian's python3-torch (1.13):

    /usr/bin/python3 gen_torch.py

Two parameters, "w" (3x2) and "b" (2), start from fixed values and receive fixed gradients for
five steps; the file records the values after every step for each optimizer configuration.
"b" is excluded from weight decay (its own parameter group with weight_decay=0), as the Go
tests do with optim.DecayMatrices.
"""
import json
import math

import torch

torch.set_default_dtype(torch.float32)
STEPS = 5


def init():
    w = torch.tensor([[0.5, -1.0], [0.25, 2.0], [-0.75, 0.1]])
    b = torch.tensor([0.3, -0.2])
    return w, b


def grads(step):
    # Deterministic, varied gradients (some sign changes, a zero).
    gw = torch.tensor([[math.sin(1.0 + step + 3 * i + j) * (i + 1) for j in range(2)] for i in range(3)])
    gb = torch.tensor([math.cos(0.5 * step + j) for j in range(2)])
    gw[1, 1] = 0.0
    return gw, gb


CONFIGS = {
    "adam": (torch.optim.Adam, dict(lr=0.01)),
    "adam_l2": (torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    "adamw": (torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1)),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    "sgd_dampening": (torch.optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0.3)),
    "rmsprop": (torch.optim.RMSprop, dict(lr=0.01)),
    "rmsprop_centered_momentum": (torch.optim.RMSprop, dict(lr=0.01, alpha=0.95, eps=1e-5, centered=True, momentum=0.5, weight_decay=0.01)),
}


def run(cls, kw):
    w, b = init()
    w.requires_grad_(True)
    b.requires_grad_(True)
    wd = kw.pop("weight_decay", 0.0)
    opt = cls([dict(params=[w], weight_decay=wd), dict(params=[b], weight_decay=0.0)], **kw)
    if cls is torch.optim.AdamW and wd == 0.0:
        raise ValueError("AdamW config needs weight_decay")
    out = []
    for step in range(STEPS):
        gw, gb = grads(step)
        w.grad = gw.clone()
        b.grad = gb.clone()
        opt.step()
        out.append({"w": w.detach().flatten().tolist(), "b": b.detach().tolist()})
    return out


def main():
    w, b = init()
    result = {
        "torch_version": torch.__version__,
        "init": {"w": w.flatten().tolist(), "b": b.tolist()},
        "grads": [{"w": g[0].flatten().tolist(), "b": g[1].tolist()} for g in map(grads, range(STEPS))],
        "runs": {},
    }
    for name, (cls, kw) in CONFIGS.items():
        result["runs"][name] = run(cls, dict(kw))
    with open("torch_optim.json", "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
