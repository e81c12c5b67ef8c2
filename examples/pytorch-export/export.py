#!/usr/bin/env python3
"""Export a PyTorch-trained model to a mirec checkpoint (one safetensors file) that
`mirec recommend --checkpoint`, `Recommender.load` and the Worker examples serve unchanged.

  python3 export.py --model comirec-sa --items items.txt --dim 64 --interests 4 --seq-len 20 \
      [--state-dict trained.pt] --out model.safetensors

--items lists the raw item ids, one per line, in the order of the embedding rows 1..N-1 (row 0
is padding). --state-dict is a torch.save(model.state_dict()) of the matching mirec_torch
module (for DDP: model.module.state_dict()); without it the weights are random, which is enough
to check the pipeline. Needs torch; `pip install safetensors` is optional (a writer that follows
the format specification is used without it). Nothing in mirec's package or CI runs this.
"""
import argparse
import json
import struct
import sys

import torch

import mirec_torch

MODELS = {
    'comirec-sa': 'ComiRecSA',
    'comirec-dr': 'ComiRecDR',
    'mind': 'MIND',
    'sine': 'SINE',
    'youtube-dnn': 'YouTubeDNN',
}


def save_safetensors(tensors, path, metadata):
    """The safetensors layout: u64 LE header length, JSON header (dtype, shape, data_offsets,
    __metadata__ string map) padded with spaces to 8 bytes, then the little-endian data."""
    try:
        from safetensors.torch import save_file

        return save_file(tensors, path, metadata=metadata)
    except ImportError:
        pass
    assert sys.byteorder == 'little'
    header, blobs, off = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    js = json.dumps(header, separators=(',', ':')).encode('utf-8')
    js += b' ' * ((8 - len(js) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def export(model, item_ids, path, source='examples/pytorch-export'):
    """Write `model` (a mirec_torch module) with its item vocabulary as a mirec checkpoint."""
    state = {f'param.{k}': v.detach().to(torch.float32).contiguous().clone() for k, v in model.mirec_state().items()}
    vocab = {'format': 'mirec-vocabulary', 'version': 1, 'ids': list(item_ids), 'counts': [0] * len(item_ids), 'trained': 0}
    meta = {
        'format': 'mirec-checkpoint/1',
        'kind': model.kind,
        'config': json.dumps(model.config()),
        'extra': json.dumps({'vocab': vocab, 'source': f'{source} (torch {torch.__version__})'}),
    }
    save_safetensors(state, path, meta)
    return sum(v.numel() for v in state.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', choices=sorted(MODELS), default='comirec-sa')
    ap.add_argument('--items', required=True, help='raw item ids, one per line (rows 1..N-1)')
    ap.add_argument('--dim', type=int, default=64)
    ap.add_argument('--interests', type=int, default=4)
    ap.add_argument('--seq-len', type=int, default=20)
    ap.add_argument('--state-dict', help='torch.save(model.state_dict()) of the same module and shapes')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    with open(a.items, encoding='utf-8') as f:
        ids = [line.strip() for line in f if line.strip()]
    if len(set(ids)) != len(ids):
        sys.exit(f'{a.items}: item ids repeat; each row needs its own id')
    mirec_torch.configure(len(ids) + 1, a.dim, a.interests, a.seq_len)
    torch.manual_seed(1)
    model = getattr(mirec_torch, MODELS[a.model])()
    if a.state_dict:
        model.load_state_dict(torch.load(a.state_dict, map_location='cpu'))
    n = export(model, ids, a.out)
    print(f'{a.out}: {model.kind}, {len(ids)} items, {n} weights')


if __name__ == '__main__':
    main()
