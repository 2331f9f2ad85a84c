# PyTorch side of bench/train.bench.ts: the same architectures as tinyconv's zoo (LeNet-5 ReLU/max-pool
# variant, MobileNetV1-tiny with width multiplier alpha), trained with Adam 1e-3, batch 128, on the
# same Fashion-MNIST IDX files, with torch.set_num_threads(THREADS). Prints one JSON line per model:
# {"model", "seconds_per_epoch", "samples", "accuracy" (test, after the timed epochs)}.
#
#   /usr/bin/python3 bench/train_torch.py --data /usr/share/datasets/fashion-mnist --samples 60000 --epochs 1 --threads 2
import argparse, gzip, json, os, struct, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(d, stem):
    for name in (stem, stem + '.gz'):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    raise FileNotFoundError(stem)


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def mobilenet_v1(alpha):
    c = lambda v: max(1, round(v * alpha))
    def cbr(i, o, k, s=1, g=1):
        return [nn.Conv2d(i, o, k, s, k // 2, groups=g, bias=False), nn.BatchNorm2d(o), nn.ReLU6()]
    layers = cbr(1, c(16), 3)
    inc = c(16)
    for ch, s in [(32, 2), (64, 2), (64, 1), (128, 2), (128, 1)]:
        layers += cbr(inc, inc, 3, s, inc) + cbr(inc, c(ch), 1)
        inc = c(ch)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(inc, 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    ap.add_argument('--samples', type=int, default=60000)
    ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--models', default='lenet5,mobilenet-v1:0.5')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    xtr = read_idx(find(a.data, 'train-images-idx3-ubyte'))[:a.samples]
    ytr = read_idx(find(a.data, 'train-labels-idx1-ubyte'))[:a.samples]
    xte = read_idx(find(a.data, 't10k-images-idx3-ubyte'))
    yte = read_idx(find(a.data, 't10k-labels-idx1-ubyte'))
    mean, std = (xtr / 255.0).mean(), (xtr / 255.0).std()
    prep = lambda x: torch.tensor(((x / 255.0 - mean) / std).astype(np.float32)).unsqueeze(1)
    Xtr, Ytr, Xte, Yte = prep(xtr), torch.tensor(ytr.astype(np.int64)), prep(xte), torch.tensor(yte.astype(np.int64))
    for spec in a.models.split(','):
        name, _, alpha = spec.partition(':')
        torch.manual_seed(a.seed)
        net = lenet5() if name == 'lenet5' else mobilenet_v1(float(alpha or 1))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        g = torch.Generator().manual_seed(a.seed)
        t0 = time.perf_counter()
        for _ in range(a.epochs):
            net.train()
            perm = torch.randperm(len(Xtr), generator=g)
            for i in range(0, len(Xtr), a.batch):
                idx = perm[i:i + a.batch]
                opt.zero_grad()
                loss = F.cross_entropy(net(Xtr[idx]), Ytr[idx])
                loss.backward()
                opt.step()
        secs = (time.perf_counter() - t0) / a.epochs
        net.eval()
        with torch.no_grad():
            acc = sum((net(Xte[i:i + 1000]).argmax(1) == Yte[i:i + 1000]).sum().item() for i in range(0, len(Xte), 1000)) / len(Xte)
        print(json.dumps({'model': spec, 'seconds_per_epoch': secs, 'samples': len(Xtr), 'threads': a.threads,
                          'params': sum(p.numel() for p in net.parameters()), 'accuracy': acc, 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
