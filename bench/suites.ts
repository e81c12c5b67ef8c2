// The list of benchmark suites `npm run bench` knows. Each returns a markdown table.
import { softmaxSuite, squashSuite, layernormSuite, elementwiseSuite } from './rowops.js';
import { embeddingSuite } from './embedding.js';
import { optimSuite } from './optim.js';
import { topkSuite } from './topk.js';
import { benchGemm } from './gemm.js';
import { benchTrainStep, benchTrainStepInterleaved } from './train-step.js';
import { benchTrainCatalogue } from './train-catalogue.js';
import { benchTorchInterleaved } from './torch-ab.js';
import { servingSuite } from './serving.js';
import { annSuite } from './ann.js';
import { httpSuite } from './http.js';
export const suites: Record<string, () => Promise<string>> = {
  gemm: benchGemm,
  'train-step': benchTrainStep,
  'train-step-ab': benchTrainStepInterleaved,
  'torch-ab': benchTorchInterleaved,
  'train-catalogue': benchTrainCatalogue,
  softmax: softmaxSuite,
  squash: squashSuite,
  layernorm: layernormSuite,
  elementwise: elementwiseSuite,
  embedding: embeddingSuite,
  optim: optimSuite,
  topk: topkSuite,
  serving: servingSuite,
  ann: annSuite,
  http: httpSuite,
};

/** Suites that run only when named (minutes long, 1M-row tables, 1.3 GB of memory; a loopback server; the interleaved thread ratio; PyTorch through python3-torch): `npm run bench -- ann`, `-- http`, `-- train-catalogue`, `-- train-step-ab`, `-- torch-ab`. */
export const OPT_IN = new Set(['ann', 'http', 'train-catalogue', 'train-step-ab', 'torch-ab']);
