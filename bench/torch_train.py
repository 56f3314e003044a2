#!/usr/bin/env python3
"""PyTorch half of the Fashion-MNIST training comparison in docs/training.md.

Trains the *same* spec with the *same* recipe as `regnet train`, on the same machine, so the two
can be run interleaved and compared as ratios:

* model: pycls 0.1.1's `AnyNet`, built from the `spec` object of a `regnet train` summary.json
  (or any spec JSON), with pycls's init; its stem conv is rebuilt for the spec's input channels
  (pycls hard-codes 3) and initialised the same way (normal, std sqrt(2 / fan_out));
* data: Fashion-MNIST IDX files (Debian's dataset-fashion-mnist), 28x28, train augmentation
  flip p=0.5 then zero-pad 4 and a random 28x28 crop (offsets 0..7, pycls's exclusive bound),
  then (x/255 - 0.2860) / 0.3530; test: normalisation only; batch 128 shuffled each epoch
  (last partial batch kept), test batch 200;
* recipe: SGD momentum 0.9, Nesterov, weight decay 5e-5 on every parameter, cross-entropy,
  half-period cosine lr set once per epoch (pycls): lr_e = base * 0.5 * (1 + cos(pi e / E)).

Writes epochs.jsonl and summary.json to --out (fields named as regnet's), prints one line per epoch.

    python3 bench/torch_train.py --spec runs/x/summary.json --data-dir /usr/share/datasets/fashion-mnist \
        --epochs 3 --lr 0.05 --threads 2 --out runs/x-torch
"""

import argparse
import gzip
import json
import math
import os
import resource
import time

import numpy as np
import torch
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic = int.from_bytes(raw[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, split):
    prefix = "train" if split == "train" else "t10k"

    def find(kind):
        for name in (f"{prefix}-{kind}-ubyte.gz", f"{prefix}-{kind}-ubyte"):
            p = os.path.join(data_dir, name)
            if os.path.exists(p):
                return p
        raise SystemExit(f"no {prefix}-{kind}-ubyte[.gz] in {data_dir}")

    x = read_idx(find("images-idx3")).astype(np.float32) / 255.0
    y = read_idx(find("labels-idx1")).astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def build(spec):
    from pycls.core import net
    from pycls.models.anynet import AnyNet

    if spec.get("head_w", 0):
        raise SystemExit("pycls 0.1.1's AnyNet has no head conv (head_w must be 0)")
    st = spec["stages"]
    model = AnyNet(
        stem_type=spec["stem"],
        stem_w=spec["stem_w"],
        block_type=spec["block"],
        ds=[s["depth"] for s in st],
        ws=[s["width"] for s in st],
        ss=[s["stride"] for s in st],
        bms=[s["bottleneck_multiplier"] for s in st],
        gws=[s["group_width"] for s in st],
        se_r=spec.get("se_r"),
        nc=spec["num_classes"],
    )
    c_in = spec.get("in_channels", 3)
    if c_in != 3:
        old = model.stem.conv
        model.stem.conv = torch.nn.Conv2d(
            c_in, old.out_channels, old.kernel_size, stride=old.stride, padding=old.padding, bias=False
        )
        net.init_weights(model.stem.conv)
    return model


def augment(x, gen):
    """Flip p=0.5, zero-pad 4, random 28x28 crop with offsets in [0, 8)."""
    n = x.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    xp = F.pad(x, (4, 4, 4, 4))
    off = torch.randint(0, 8, (n, 2), generator=gen)
    out = torch.empty_like(x)
    for i in range(n):
        oy, ox = int(off[i, 0]), int(off[i, 1])
        out[i] = xp[i, :, oy : oy + 28, ox : ox + 28]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True, help="spec JSON, or a regnet summary.json (its `spec`)")
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-train-batches", type=int, default=None, help="short runs only")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    with open(a.spec) as f:
        spec = json.load(f)
    spec = spec.get("spec", spec)
    model = build(spec)
    n_params = sum(p.numel() for p in model.parameters())
    xtr, ytr = load(a.data_dir, "train")
    xte, yte = load(a.data_dir, "test")
    xte = (xte - MEAN) / STD
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, nesterov=True, weight_decay=5e-5)
    loss_fn = torch.nn.CrossEntropyLoss()
    os.makedirs(a.out, exist_ok=True)
    log = open(os.path.join(a.out, "epochs.jsonl"), "w")
    print(f"torch {torch.__version__}, {a.threads} threads, {n_params} params, {len(xtr)} train images")
    t_start = time.perf_counter()
    train_secs_total, images_total, errs = 0.0, 0, []
    for epoch in range(a.epochs):
        lr = a.lr * 0.5 * (1.0 + math.cos(math.pi * epoch / a.epochs))
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        t0 = time.perf_counter()
        loss_sum, wrong, seen = 0.0, 0, 0
        for b, i in enumerate(range(0, len(xtr), a.batch)):
            if a.max_train_batches is not None and b >= a.max_train_batches:
                break
            idx = perm[i : i + a.batch]
            x = (augment(xtr[idx], gen) - MEAN) / STD
            y = ytr[idx]
            opt.zero_grad(set_to_none=True)
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            wrong += (logits.argmax(1) != y).sum().item()
            seen += len(idx)
        train_secs = time.perf_counter() - t0
        model.eval()
        top1 = top5 = 0
        with torch.no_grad():
            for i in range(0, len(xte), 200):
                logits = model(xte[i : i + 200])
                y = yte[i : i + 200]
                top = logits.topk(5, 1).indices
                top1 += (top[:, 0] != y).sum().item()
                top5 += (~(top == y[:, None]).any(1)).sum().item()
        epoch_secs = time.perf_counter() - t0
        rec = {
            "epoch": epoch,
            "lr": lr,
            "train_loss": loss_sum / seen,
            "train_top1_err": 100.0 * wrong / seen,
            "test_top1_err": 100.0 * top1 / len(xte),
            "test_top5_err": 100.0 * top5 / len(xte),
            "epoch_seconds": epoch_secs,
            "images_per_sec": seen / train_secs,
        }
        log.write(json.dumps(rec) + "\n")
        log.flush()
        errs.append(rec["test_top1_err"])
        train_secs_total += train_secs
        images_total += seen
        print(
            f"epoch {epoch + 1}/{a.epochs}: loss {rec['train_loss']:.4f} train err {rec['train_top1_err']:.2f}% "
            f"test err {rec['test_top1_err']:.2f}% (top-5 {rec['test_top5_err']:.2f}%) lr {lr:.5f} "
            f"{rec['images_per_sec']:.0f} img/s {epoch_secs:.1f} s",
            flush=True,
        )
    summary = {
        "min_top1_err": min(errs),
        "final_top1_err": errs[-1],
        "epochs_run": a.epochs,
        "wall_seconds": time.perf_counter() - t_start,
        "images_per_sec": images_total / train_secs_total,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "params": n_params,
        "threads": a.threads,
        "torch": torch.__version__,
        "spec": spec,
    }
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
