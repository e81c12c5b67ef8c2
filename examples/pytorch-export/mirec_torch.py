"""torch.nn versions of mirec's retrieval models, for training where mirec cannot (data beyond one
machine: PyTorch DDP, TorchRec) and exporting the weights to mirec's checkpoint layout
(export.py). Each module computes the same forward as mirec (docs/model-guide.md); their
`mirec_state()` maps torch parameter names and layouts to mirec's tensor names
(docs/checkpoint-format.md): the one transpose is nn.Linear's weight ([out, in] -> mirec's [in, out]).

These are the modules behind test/fixtures/torch/make_fixtures.py, whose outputs mirec matches to
1e-5 (test/io/pytorch-interop.test.ts). Shapes are module-level, set once per process with
configure(items, dim, interests, seq_len) before building a model.
"""
import math

import torch
import torch.nn.functional as F  # noqa: F401  (kept for parity with the fixtures)
from torch import nn

N, D, K, T = 50, 8, 3, 8  # items (row 0 = padding), dim, interests, window


def configure(items, dim, interests, seq_len):
    """Set the shapes every model built afterwards uses (items counts the padding row 0)."""
    global N, D, K, T
    N, D, K, T = int(items), int(dim), int(interests), int(seq_len)

# --------------------------------------------------------------------------------------------
# Shared pieces (docs/model-guide.md#shared-building-blocks)


def masked_softmax(x, mask, dim):
    """Softmax over `dim` where mask == 1; masked entries get exactly 0, a fully masked slice 0s."""
    m = mask.to(torch.bool).expand_as(x)
    p = torch.softmax(x.masked_fill(~m, float('-inf')), dim=dim)
    return torch.where(m, p, torch.zeros_like(p)).nan_to_num(0.0)


def squash(s, eps=1e-9):
    """docs/model-guide.md#squash: f(n)·s with n = ‖s‖², f(n) = n / ((1 + n)·√(n + ε))."""
    n = (s * s).sum(-1, keepdim=True)
    return s * (n / ((1 + n) * torch.sqrt(n + eps)))


def hard_readout(V, active, ey):
    """docs/model-guide.md#training-read-outs: v_{k*}, k* = argmax over active k of ⟨v_k, e_y⟩ (ties: lowest k)."""
    s = torch.einsum('bkd,bd->bk', V, ey).masked_fill(active == 0, float('-inf'))  # [B, K]
    return V[torch.arange(V.shape[0]), s.argmax(1)]  # [B, D]


def label_aware(V, active, ey, p):
    """docs/model-guide.md#training-read-outs: Σ_k softmax_active(p·⟨v_k, e_y⟩)_k v_k."""
    a = masked_softmax(p * torch.einsum('bkd,bd->bk', V, ey), active, 1)  # [B, K]
    return torch.einsum('bk,bkd->bd', a, V)  # [B, D]


def lin_t(layer):
    """mirec stores a linear map as W [in, out] (y = x W + b): torch's weight transposed."""
    return layer.weight.detach().t().contiguous()


def item_table(n, d):
    emb = nn.Embedding(n, d, padding_idx=0)
    nn.init.normal_(emb.weight, std=0.5)
    with torch.no_grad():
        emb.weight[0].zero_()  # mirec keeps row 0 at zero
    return emb


# --------------------------------------------------------------------------------------------
# Models


class ComiRecSA(nn.Module):
    """docs/model-guide.md#comirec-sa: A = masked softmax_T(W2 tanh(W1 (H + P)) + b2), V = A H (raw embeddings as values)."""

    kind, name = 'ComiRec-SA', 'comirec-sa'

    def __init__(self):
        super().__init__()
        self.item_emb = item_table(N, D)
        self.pos = nn.Parameter(torch.randn(T, D) * 0.5)
        self.W1 = nn.Linear(D, 4 * D)
        self.W2 = nn.Linear(4 * D, K)

    def config(self):
        return {'items': N, 'dim': D, 'interests': K, 'seqLen': T, 'attentionWidth': 4 * D,
                'positions': 'learned', 'valuesWithPositions': False, 'itemBias': False, 'negatives': {'kind': 'full'}}

    def mirec_state(self):
        return {'item_emb': self.item_emb.weight, 'sa.pos': self.pos, 'sa.W1': lin_t(self.W1), 'sa.b1': self.W1.bias,
                'sa.W2': lin_t(self.W2), 'sa.b2': self.W2.bias}

    def forward(self, hist, mask, lens, target):
        H = self.item_emb(hist) * mask[..., None]  # [B, T, D]
        logits = self.W2(torch.tanh(self.W1(H + self.pos))).transpose(1, 2)  # [B, K, T]
        A = masked_softmax(logits, mask[:, None, :], 2)  # [B, K, T]
        V = A @ H  # [B, K, D]
        active = torch.ones(hist.shape[0], K, dtype=torch.int32)
        user = hard_readout(V, active, self.item_emb(target))  # [B, D]
        return {'interests': V, 'active': active, 'attention': A, 'user': user}


class YouTubeDNN(nn.Module):
    """docs/model-guide.md#retrieval-baselines: v_u = (Σ_t m_t h_t / (n_b + 1e-9)) W + b."""

    kind, name = 'YouTubeDNN', 'youtube-dnn'

    def __init__(self):
        super().__init__()
        self.item_emb = item_table(N, D)
        self.dnn = nn.Linear(D, D)

    def config(self):
        return {'items': N, 'dim': D, 'interests': 1, 'seqLen': T, 'itemBias': False, 'negatives': {'kind': 'full'}}

    def mirec_state(self):
        return {'item_emb': self.item_emb.weight, 'dnn.W': lin_t(self.dnn), 'dnn.b': self.dnn.bias}

    def forward(self, hist, mask, lens, target):
        H = self.item_emb(hist) * mask[..., None]  # [B, T, D]
        pooled = H.sum(1) / (mask.sum(1, keepdim=True) + 1e-9)  # [B, D]
        v = self.dnn(pooled)  # [B, D]
        return {'interests': v[:, None, :], 'active': torch.ones(hist.shape[0], 1, dtype=torch.int32), 'user': v}


class MIND(nn.Module):
    """docs/model-guide.md#mind serving forward: shared map S, routing logits b° [K, T] for every row, adaptive K′,
    3 iterations (1–2 on detached Ĥ), squash; label-aware read-out with finite p."""

    kind, name = 'MIND', 'mind'
    P = 2.0  # labelAwareP of the fixture (finite, so the label-aware attention is exercised)

    def __init__(self, map_bias=False, projection=False, name='mind'):
        super().__init__()
        self.name = name
        self.map_bias, self.projection = map_bias, projection
        self.item_emb = item_table(N, D)
        self.S = nn.Linear(D, D, bias=map_bias)
        if projection:
            self.proj = nn.Linear(D, D)
        b0 = torch.empty(K, T)
        nn.init.trunc_normal_(b0, 0.0, 1.0, -2.0, 2.0)  # TruncatedNormal(0, 1), |x| ≤ 2
        self.register_buffer('routing_b0', b0)

    def config(self):
        return {'items': N, 'dim': D, 'interests': K, 'seqLen': T, 'iterations': 3, 'labelAwareP': self.P,
                'adaptiveInterests': True, 'routingInit': 'random', 'capsuleProjection': 'relu' if self.projection else 'none',
                'mapBias': self.map_bias, 'itemBias': False, 'negatives': {'kind': 'full'}}

    def mirec_state(self):
        s = {'item_emb': self.item_emb.weight, 'mind.S': lin_t(self.S)}
        if self.map_bias:
            s['mind.S_bias'] = self.S.bias
        if self.projection:
            s['mind.proj.W'] = lin_t(self.proj)
            s['mind.proj.b'] = self.proj.bias
        s['mind.routing_b0'] = self.routing_b0
        return s

    def forward(self, hist, mask, lens, target):
        Bn = hist.shape[0]
        H = self.item_emb(hist) * mask[..., None]  # [B, T, D]
        Hh = self.S(H)  # [B, T, D]
        kp = torch.clamp(torch.floor(torch.log2(lens.double())), 1, K).long()  # K′ = max(1, min(K, ⌊log₂ n⌋))
        active = (torch.arange(K)[None, :] < kp[:, None]).to(torch.int32)  # [B, K]
        rmask = mask[:, None, :] * active[:, :, None].to(mask.dtype)  # [B, K, T]
        b = self.routing_b0.to(H.dtype).expand(Bn, K, T).clone()  # [B, K, T]
        Hs = Hh.detach()
        for _ in range(2):
            w = masked_softmax(b, rmask, 1)  # over active interests, per behaviour
            u = squash(w @ Hs)  # [B, K, D]
            b = b + u @ Hs.transpose(1, 2)  # b[k, t] += ⟨u_k, ĥ_t⟩
        w = masked_softmax(b, rmask, 1)
        V = squash(w.detach() @ Hh)  # [B, K, D]
        if self.projection:
            V = torch.relu(self.proj(V)) * active[..., None].to(V.dtype)
        user = label_aware(V, active, self.item_emb(target), self.P)
        return {'interests': V, 'active': active, 'user': user}


class ComiRecDR(nn.Module):
    """docs/model-guide.md#comirec-dr: û_{k,t} = W[t, k] h_t with W [T, K, D_out, D_in], zero routing logits, all K active."""

    kind, name = 'ComiRec-DR', 'comirec-dr'

    def __init__(self):
        super().__init__()
        self.item_emb = item_table(N, D)
        self.W = nn.Parameter(torch.randn(T, K, D, D))  # N(0, 1), as the official init

    def config(self):
        return {'items': N, 'dim': D, 'interests': K, 'seqLen': T, 'iterations': 3, 'mapInit': 'normal',
                'itemBias': False, 'negatives': {'kind': 'full'}}

    def mirec_state(self):
        return {'item_emb': self.item_emb.weight, 'dr.W': self.W}

    def forward(self, hist, mask, lens, target):
        Bn = hist.shape[0]
        H = self.item_emb(hist) * mask[..., None]  # [B, T, D]
        U = torch.einsum('tkoi,bti->bkto', self.W, H)  # [B, K, T, D]
        rmask = mask[:, None, :].expand(Bn, K, T)  # [B, K, T]
        b = torch.zeros(Bn, K, T, dtype=H.dtype)
        Us = U.detach()
        for _ in range(2):
            c = masked_softmax(b, rmask, 1)  # [B, K, T], 1/K at every valid slot on the first pass
            u = squash((c[..., None] * Us).sum(2))  # [B, K, D]
            b = b + (Us * u[:, :, None, :]).sum(-1)  # b[k, t] += ⟨u_k, û_{k,t}⟩
        c = masked_softmax(b, rmask, 1)
        V = squash((c.detach()[..., None] * U).sum(2))  # [B, K, D]
        active = torch.ones(Bn, K, dtype=torch.int32)
        return {'interests': V, 'active': active, 'user': hard_readout(V, active, self.item_emb(target))}


class SINE(nn.Module):
    """docs/model-guide.md#sine paper form: concept activation with top-K prototypes and a sigmoid gate, intention
    assignment (LN1/LN2), rank-bound attention heads on x_t + p_t, φ_k = LN3(·), intention
    sequence C_apt = LN4(·), v_u = Σ_k softmax_K(⟨φ_k, C_apt⟩/τ)_k φ_k."""

    kind, name = 'SINE', 'sine'
    L, TAU = 12, 0.1

    def __init__(self):
        super().__init__()
        self.item_emb = item_table(N, D)
        self.C = nn.Parameter(torch.randn(self.L, D))
        self.W1 = nn.Linear(D, D, bias=False)
        self.w2 = nn.Linear(D, 1, bias=False)
        self.W3 = nn.Linear(D, D, bias=False)
        self.pos = nn.Parameter(torch.randn(T, D) * 0.5)
        self.Wk1 = nn.ParameterList([nn.Parameter(torch.randn(D, D) / math.sqrt(D)) for _ in range(K)])  # x @ Wk1[k]
        self.wk2 = nn.ParameterList([nn.Parameter(torch.randn(D)) for _ in range(K)])
        self.W5 = nn.Linear(D, D, bias=False)
        self.w6 = nn.Linear(D, 1, bias=False)
        self.ln1, self.ln2, self.ln3, self.ln4 = (nn.LayerNorm(D, eps=1e-5) for _ in range(4))
        with torch.no_grad():
            for ln in (self.ln1, self.ln2, self.ln3, self.ln4):
                ln.weight.add_(torch.randn(D) * 0.1)
                ln.bias.add_(torch.randn(D) * 0.1)

    def config(self):
        return {'items': N, 'dim': D, 'interests': K, 'seqLen': T, 'prototypes': self.L, 'tau': self.TAU, 'covWeight': 0.1,
                'servingMode': 'aggregate', 'assignNorm': 'ln', 'conceptPositions': False, 'itemBias': False,
                'negatives': {'kind': 'full'}}

    def mirec_state(self):
        s = {'item_emb': self.item_emb.weight, 'sine.C': self.C, 'sine.W1': lin_t(self.W1), 'sine.w2': lin_t(self.w2),
             'sine.W3': lin_t(self.W3), 'sine.pos': self.pos}
        for k in range(K):
            s[f'sine.Wk1.{k}'] = self.Wk1[k]
            s[f'sine.wk2.{k}'] = self.wk2[k][:, None]  # [D, 1]
        s['sine.W5'] = lin_t(self.W5)
        s['sine.w6'] = lin_t(self.w6)
        for i, ln in enumerate((self.ln1, self.ln2, self.ln3, self.ln4), 1):
            s[f'sine.ln{i}.g'] = ln.weight
            s[f'sine.ln{i}.b'] = ln.bias
        return s

    def forward(self, hist, mask, lens, target):
        Bn = hist.shape[0]
        X = self.item_emb(hist) * mask[..., None]  # [B, T, D]
        a = masked_softmax(self.w2(torch.tanh(self.W1(X)))[..., 0], mask, 1)  # [B, T]
        z = torch.einsum('bt,btd->bd', a, X)  # [B, D]
        s = z @ self.C.t()  # [B, L]
        score, idx = torch.topk(s, K, dim=1, largest=True, sorted=True)  # [B, K] descending
        gate = torch.sigmoid(score)  # [B, K]
        Cu = self.C[idx] * gate[..., None]  # [B, K, D]
        pkt = torch.softmax(self.ln1(self.W3(X)) @ self.ln2(Cu).transpose(1, 2), dim=2)  # [B, T, K] P_{k|t}
        XP = X + self.pos  # [B, T, D]
        heads = torch.stack([torch.tanh(XP @ self.Wk1[k]) @ self.wk2[k] for k in range(K)], 1)  # [B, K, T]
        ptk = masked_softmax(heads, mask[:, None, :], 2)  # [B, K, T] P_{t|k}
        phi = self.ln3((pkt.transpose(1, 2) * ptk) @ X)  # [B, K, D]
        Xhat = pkt @ Cu  # [B, T, D]
        beta = masked_softmax(self.w6(torch.tanh(self.W5(Xhat)))[..., 0], mask, 1)  # [B, T]
        capt = self.ln4(torch.einsum('bt,btd->bd', beta, Xhat))  # [B, D]
        e = torch.softmax(torch.einsum('bkd,bd->bk', phi, capt) / self.TAU, dim=1)  # [B, K]
        user = torch.einsum('bk,bkd->bd', e, phi)  # [B, D]
        return {'interests': phi, 'active': torch.ones(Bn, K, dtype=torch.int32), 'user': user,
                'queries': user[:, None, :], 'selected': idx.to(torch.int32), 'gate': gate, 'aggregation': e}


