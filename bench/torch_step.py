#!/usr/bin/env python3
"""PyTorch CPU half of the burn-vs-PyTorch training-step comparison (docs/performance.md).

Same models as crates/regnet-burn/benches/step.rs, built with pycls 0.1.1 (same widths, groups,
init): RegNetX-200MF with a 10-class head, and the ~10 MF AnyNet (CIFAR stem 16, X blocks
24/48/96, strides 1/2/2, group width 8). 32x32 inputs, batch 64, SGD momentum 0.9 Nesterov,
wd 5e-5, lr 0.1, cross-entropy; forward + backward + step timed after 2 warm-up steps.

    python3 bench/torch_step.py regnetx_200mf 20 [threads]
"""

import resource
import sys
import time
import warnings

import torch

warnings.filterwarnings("ignore")
BATCH, RES, CLASSES = 64, 32, 10


def build(name):
    from pycls.core.config import cfg

    cfg.MODEL.NUM_CLASSES = CLASSES
    if name == "regnetx_200mf":
        from pycls.models.regnet import RegNet

        cfg.REGNET.DEPTH, cfg.REGNET.W0, cfg.REGNET.WA = 13, 24, 36.44
        cfg.REGNET.WM, cfg.REGNET.GROUP_W, cfg.REGNET.SE_ON = 2.49, 8, False
        return RegNet()
    if name == "anynet_10mf":
        from pycls.models.anynet import AnyNet

        a = cfg.ANYNET
        a.STEM_TYPE, a.STEM_W, a.BLOCK_TYPE = "res_stem_cifar", 16, "res_bottleneck_block"
        a.DEPTHS, a.WIDTHS, a.STRIDES = [1, 1, 1], [24, 48, 96], [1, 2, 2]
        a.BOT_MULS, a.GROUP_WS, a.SE_ON = [1.0, 1.0, 1.0], [8, 8, 8], False
        return AnyNet()
    raise SystemExit(f"unknown model {name}: regnetx_200mf or anynet_10mf")


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "regnetx_200mf"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build(name).train()
    print(f"{name}: {sum(p.numel() for p in model.parameters())} params, {threads} threads")
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-5)
    x = torch.randn(BATCH, 3, RES, RES)
    y = torch.randint(0, CLASSES, (BATCH,))
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
    print(f"torch images/s {steps * BATCH / s:.1f} ({steps} steps, {s / steps:.3f} s/step, "
          f"last loss {loss:.3f}, peak RSS {peak:.0f} MiB)")


if __name__ == "__main__":
    main()
