"""PyTorch reference for the ComiRec-SA training step (bench only; never needed by CI or the package).

Same model and shapes as mirec's benchmark: B=128, T=20, D=64, K=4, S=1280 log-uniform negatives
over a 50k-item table, hard read-out, sampled softmax with log-Q correction and accidental-hit
removal, sparse embedding gradients (SparseAdam on the table, Adam on the rest); threads = argv[2]
(default 1).
Prints one JSON line: {"steps_per_sec": ..., "ms_per_step": ..., "torch": ..., "threads": 1}.
Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 bench/torch/comirec_sa_step.py [steps] [threads]
With steps = "serve" it reads lines "THREADS SECONDS" on stdin and answers each with one JSON line
{"steps": n, "seconds": s} after stepping that long on that many threads (bench/torch-ab.ts
alternates it with mirec's step in one run).
"""
import json
import math
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
torch.manual_seed(1)
B, T, D, K, S, N = 128, 20, 64, 4, 1280, 50_000
serve = len(sys.argv) > 1 and sys.argv[1] == 'serve'
steps = 200 if serve else int(sys.argv[1]) if len(sys.argv) > 1 else 200


class ComiRecSA(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.items = torch.nn.Embedding(N, D, sparse=True)
        self.pos = torch.nn.Parameter(torch.empty(T, D))
        self.w1 = torch.nn.Linear(D, 4 * D)
        self.w2 = torch.nn.Linear(4 * D, K)
        lim = math.sqrt(6 / (N + D))
        torch.nn.init.uniform_(self.items.weight, -lim, lim)
        torch.nn.init.xavier_uniform_(self.pos)

    def forward(self, hist, mask, target, neg, log_q_true, log_q_neg):
        h = self.items(hist) * mask.unsqueeze(-1)  # [B, T, D]
        x = h + self.pos  # [B, T, D]
        a = self.w2(torch.tanh(self.w1(x))).transpose(1, 2)  # [B, K, T]
        a = a.masked_fill(mask.unsqueeze(1) == 0, -1e9).softmax(-1)
        v = a @ h  # [B, K, D]
        e_y = self.items(target)  # [B, D]
        with torch.no_grad():
            k_star = (v @ e_y.unsqueeze(-1)).squeeze(-1).argmax(-1)
        u = v[torch.arange(B), k_star]  # [B, D]
        true_logit = (u * e_y).sum(-1, keepdim=True) - log_q_true  # [B, 1]
        neg_logit = u @ self.items(neg).t() - log_q_neg  # [B, S]
        neg_logit = neg_logit.masked_fill(neg.unsqueeze(0) == target.unsqueeze(1), -1e30)
        logits = torch.cat([true_logit, neg_logit], 1)
        return torch.nn.functional.cross_entropy(logits, torch.zeros(B, dtype=torch.long))


def log_uniform(n_draw):
    u = torch.rand(n_draw, dtype=torch.float64)
    return torch.clamp(torch.floor(torch.exp(u * math.log(N))).long(), 1, N - 1)


def sample():
    seen, tries = [], 0
    got = set()
    while len(seen) < S:
        for k in log_uniform(S).tolist():
            tries += 1
            if k not in got:
                got.add(k)
                seen.append(k)
                if len(seen) == S:
                    break
    ids = torch.tensor(seen)
    p = torch.log((ids + 1.0) / ids) / math.log(N)
    q = -torch.expm1(tries * torch.log1p(-p))
    return ids, torch.log(q).float()


model = ComiRecSA()
sparse = [model.items.weight]
dense = [p for n, p in model.named_parameters() if n != 'items.weight']
opt_sparse = torch.optim.SparseAdam(sparse, lr=1e-3)
opt_dense = torch.optim.Adam(dense, lr=1e-3)


def batch():
    lens = torch.randint(1, T + 1, (B,))
    mask = (torch.arange(T).unsqueeze(0) < lens.unsqueeze(1)).float()
    hist = (log_uniform(B * T).view(B, T) * mask.long())
    target = log_uniform(B)
    neg, lq = sample()
    p_true = torch.log((target + 1.0) / target) / math.log(N)
    lq_true = torch.log(-torch.expm1(S * 1.05 * torch.log1p(-p_true))).float().unsqueeze(1)
    return hist, mask, target, neg, lq_true, lq


def step(b):
    opt_sparse.zero_grad()
    opt_dense.zero_grad()
    loss = model(*b)
    loss.backward()
    opt_sparse.step()
    opt_dense.step()
    return loss.item()


batches = [batch() for _ in range(20)]
for i in range(10):
    step(batches[i % 20])
if serve:
    done = 0
    for line in sys.stdin:
        threads, seconds = line.split()
        torch.set_num_threads(int(threads))
        n, t0 = 0, time.perf_counter()
        while True:
            step(batches[(done + n) % 20])
            n += 1
            if time.perf_counter() - t0 >= float(seconds):
                break
        done += n
        print(json.dumps({"steps": n, "seconds": time.perf_counter() - t0, "threads": torch.get_num_threads()}), flush=True)
    sys.exit(0)
t0 = time.perf_counter()
for i in range(steps):
    step(batches[i % 20])
dt = time.perf_counter() - t0
print(json.dumps({"steps_per_sec": steps / dt, "ms_per_step": 1000 * dt / steps, "torch": torch.__version__, "threads": torch.get_num_threads()}))
