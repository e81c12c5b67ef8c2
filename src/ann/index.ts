// The approximate-nearest-neighbour layer: k-means, the IVF index and its search, shard merging,
// and a clustered synthetic table for tests and benchmarks.
export { kmeans, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { assignNearest, centroidBias, type HeapRows } from './assign.js';
export { IvfIndex, type IvfBuildOptions, type IvfBuildReport, type IvfParts } from './ivf-index.js';
export { mergeShardInterests, IVF_STORAGES, type IvfSearchOptions, type IvfStorage, type ResidentList } from './ivf-search.js';
export type { QueryVectors } from './ivf-query.js';
export { clusterCentres, clusteredRows, clusteredQueries, clusteredSource, type ClusteredOptions } from './synthetic.js';
export { buildIvfStream, type RowSource, type ByteSink, type StreamBuildOptions, type StreamBuildReport } from './stream-build.js';
export { encodeIvf, decodeIvf, decodeIvfHead, tableFingerprint, IVF_MAGIC, IVF_VERSION, type IvfHeader, type IvfHead } from './ivf-format.js';
export { RemoteIvfIndex, httpRangeSource, bytesSource, keyedSource, splitIndexFile, type IndexSource, type RemoteIndexOptions, type RangeFetch, type RangeResponse } from './remote-index.js';
export { ByteLru } from './lru.js';
export { RingCache } from './ring-cache.js';
