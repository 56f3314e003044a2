#!/usr/bin/env python3
"""PyTorch CPU half of the burn-vs-PyTorch training-step comparison (docs/performance.md).

Same models as crates/regnet-burn/benches/support/step.rs, built with pycls 0.1.1 (same widths,
groups, init): RegNetX-200MF and RegNetX-400MF with a 10-class head, and the ~10 MF AnyNet (CIFAR
stem 16, X blocks 24/48/96, strides 1/2/2, group width 8). 32x32 inputs and batch 64 unless given,
SGD momentum 0.9 Nesterov, wd 5e-5, lr 0.1, cross-entropy; forward + backward + step timed after
2 warm-up steps.

    python3 bench/torch_step.py MODEL STEPS [THREADS [RES [BATCH [DEVICE]]]]
    python3 bench/torch_step.py regnetx_200mf 20 2
    python3 bench/torch_step.py regnetx_400mf 20 16 224 128 cuda
"""

import resource
import sys
import time
import warnings

import torch

warnings.filterwarnings("ignore")
CLASSES = 10


def build(name):
    from pycls.core.config import cfg

    cfg.MODEL.NUM_CLASSES = CLASSES
    regnets = {"regnetx_200mf": (13, 24, 36.44, 2.49, 8), "regnetx_400mf": (22, 24, 24.48, 2.54, 16)}
    if name in regnets:
        from pycls.models.regnet import RegNet

        d, w0, wa, wm, g = regnets[name]
        cfg.REGNET.DEPTH, cfg.REGNET.W0, cfg.REGNET.WA = d, w0, wa
        cfg.REGNET.WM, cfg.REGNET.GROUP_W, cfg.REGNET.SE_ON = wm, g, False
        return RegNet()
    if name == "anynet_10mf":
        from pycls.models.anynet import AnyNet

        a = cfg.ANYNET
        a.STEM_TYPE, a.STEM_W, a.BLOCK_TYPE = "res_stem_cifar", 16, "res_bottleneck_block"
        a.DEPTHS, a.WIDTHS, a.STRIDES = [1, 1, 1], [24, 48, 96], [1, 2, 2]
        a.BOT_MULS, a.GROUP_WS, a.SE_ON = [1.0, 1.0, 1.0], [8, 8, 8], False
        return AnyNet()
    raise SystemExit(f"unknown model {name}: regnetx_200mf, regnetx_400mf or anynet_10mf")


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "regnetx_200mf"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    res = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 64
    device = sys.argv[6] if len(sys.argv) > 6 else "cpu"
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build(name).train().to(device)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} params, {threads} threads, "
          f"{res}x{res}, batch {batch}, {device}")
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-5)
    x = torch.randn(batch, 3, res, res, device=device)
    y = torch.randint(0, CLASSES, (batch,), device=device)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(2):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    s = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch images/s {steps * batch / s:.1f} ({steps} steps, {s / steps:.3f} s/step, "
          f"last loss {loss:.3f}, peak RSS {peak:.0f} MiB)")


if __name__ == "__main__":
    main()
