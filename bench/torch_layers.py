#!/usr/bin/env python3
"""PyTorch CPU half of the per-layer micro-benchmark (crates/regnet-burn/examples/layer_step.rs).

Forward + backward of single RegNetX-200MF layers at 32x32 input, batch 64: random input, weights
and output gradient drawn once, loss (y * dy).sum(), as the burn example; median over ITERS after 3
warm-up steps. One line per layer: `layer NAME torch_ms X`.

    python3 bench/torch_layers.py [ITERS [THREADS]]
"""

import sys
import time

import torch
import torch.nn.functional as F

LAYERS = [
    ("stem_conv3x3_s2", ("conv", (64, 3, 32, 32), 32, 3, 2, 1)),
    ("s1_conv3x3_g3_s2", ("conv", (64, 24, 16, 16), 24, 3, 2, 3)),
    ("s1_conv1x1", ("conv", (64, 32, 16, 16), 24, 1, 1, 1)),
    ("s3_conv1x1", ("conv", (64, 152, 2, 2), 152, 1, 1, 1)),
    ("s3_conv3x3_g19", ("conv", (64, 152, 2, 2), 152, 3, 1, 19)),
    ("s4_conv1x1", ("conv", (64, 368, 1, 1), 368, 1, 1, 1)),
    ("s4_conv3x3_g46", ("conv", (64, 368, 1, 1), 368, 3, 1, 46)),
    ("s1_bn_relu", ("bn", (64, 24, 8, 8), False)),
    ("s3_bn_add_relu", ("bn", (64, 152, 2, 2), True)),
    ("s4_bn_relu", ("bn", (64, 368, 1, 1), False)),
]


def inputs(layer):
    if layer[0] == "conv":
        _, shape, c_out, k, stride, groups = layer
        out = -(-shape[2] // stride)
        return {"x": torch.randn(shape), "w": torch.randn(c_out, shape[1] // groups, k, k),
                "dy": torch.randn(shape[0], c_out, out, out)}
    _, shape, residual = layer
    return {"x": torch.randn(shape), "gamma": torch.ones(shape[1]), "beta": torch.zeros(shape[1]),
            "r": torch.randn(shape) if residual else None, "dy": torch.randn(shape)}


def step(layer, inp):
    tracked = {k: (v.detach().requires_grad_() if v is not None and k != "dy" else v)
               for k, v in inp.items()}
    if layer[0] == "conv":
        _, shape, c_out, k, stride, groups = layer
        y = F.conv2d(tracked["x"], tracked["w"], None, stride, (k - 1) // 2, 1, groups)
    else:
        y = F.batch_norm(tracked["x"], None, None, tracked["gamma"], tracked["beta"], training=True,
                         eps=1e-5)
        if tracked["r"] is not None:
            y = y + tracked["r"]
        y = F.relu(y)
    (y * inp["dy"]).sum().backward()


def main():
    iters = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    for name, layer in LAYERS:
        inp = inputs(layer)
        for _ in range(3):
            step(layer, inp)
        ms = []
        for _ in range(iters):
            t = time.perf_counter()
            step(layer, inp)
            ms.append((time.perf_counter() - t) * 1e3)
        ms.sort()
        print(f"layer {name} torch_ms {ms[len(ms) // 2]:.3f}")


if __name__ == "__main__":
    main()
