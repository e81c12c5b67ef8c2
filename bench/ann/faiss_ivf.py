# Faiss side of `npm run bench -- ann` (run by bench/ann.ts when python3-faiss is installed):
# reads the same item table, queries and exact top-50 ids the mirec suite uses, builds
# IVF<L>,Flat, IVF<L>,SQ8 and HNSW32 (inner product, one thread), and prints one JSON line per
# (index, search setting): recall@50 against mirec's exact lists, p50 / p99 ms for one user
# (K queries, top-50 each, merged by max over interests), build seconds and index bytes.
# Usage: python3 bench/ann/faiss_ivf.py DIR LISTS "NPROBES" "EFS" [--no-hnsw]
import json, sys, time
import numpy as np
import faiss

faiss.omp_set_num_threads(1)
d, lists = sys.argv[1], int(sys.argv[2])
nprobes = [int(x) for x in sys.argv[3].split(',')]
efs = [int(x) for x in sys.argv[4].split(',')]
hnsw = '--no-hnsw' not in sys.argv
meta = json.load(open(f'{d}/meta.json'))
N, D, U, K, TOP = meta['rows'], meta['dim'], meta['users'], meta['interests'], meta['top']
xb = np.fromfile(f'{d}/table.f32', dtype=np.float32).reshape(N, D)[1:]  # row 0 is padding
xq = np.fromfile(f'{d}/queries.f32', dtype=np.float32).reshape(U, K, D)
truth = np.fromfile(f'{d}/truth.i32', dtype=np.int32).reshape(U, TOP)


def search_user(index, q):
    s, i = index.search(q, TOP)  # [K, TOP]
    best = {}
    for k in range(q.shape[0]):
        for sc, it in zip(s[k], i[k]):
            if it >= 0 and (it not in best or sc > best[it]):
                best[it] = sc
    return sorted(best, key=lambda it: (-best[it], it))[:TOP]


def measure(name, index, build_s, nbytes, setting):
    ids = []
    ms = []
    for rep in range(2):
        for u in range(U):
            t0 = time.perf_counter()
            r = search_user(index, xq[u])
            ms.append((time.perf_counter() - t0) * 1000)
            if rep == 0:
                ids.append(r)
    ms = sorted(ms)
    hit = sum(len(set(int(x) + 1 for x in ids[u]) & set(truth[u].tolist())) for u in range(U))
    print(json.dumps({'index': name, 'setting': setting, 'recall': hit / (U * TOP), 'p50': ms[len(ms) // 2],
                      'p99': ms[min(len(ms) - 1, int(0.99 * len(ms)))], 'build_s': build_s, 'bytes': nbytes}), flush=True)


def nbytes_of(index):
    return int(faiss.serialize_index(index).size)


for spec in [f'IVF{lists},Flat', f'IVF{lists},SQ8']:
    t0 = time.perf_counter()
    index = faiss.index_factory(D, spec, faiss.METRIC_INNER_PRODUCT)
    index.train(xb)
    index.add(xb)
    build = time.perf_counter() - t0
    nb = nbytes_of(index)
    for p in nprobes:
        faiss.extract_index_ivf(index).nprobe = p
        measure(spec, index, build, nb, f'nprobe {p}')
    del index

if hnsw:
    t0 = time.perf_counter()
    index = faiss.IndexHNSWFlat(D, 32, faiss.METRIC_INNER_PRODUCT)
    index.add(xb)
    build = time.perf_counter() - t0
    nb = nbytes_of(index)
    for ef in efs:
        index.hnsw.efSearch = ef
        measure('HNSW32', index, build, nb, f'efSearch {ef}')
