// The public datasets `mirec data get` knows: where each comes from (the canonical public address),
// what to keep from it, which sha256 each file must have (where it could be established), what
// `--dataset NAME` reads, and the terms of use in a sentence. Data only; fetching is in fetch.ts.
import type { EventFormat } from '../../data/formats.js';

/** One file to download. */
export interface Download {
  url: string;
  /** Saved under the cache's downloads/ folder by this name (shared by sets from one archive). */
  file: string;
  /** Known sha256 of the download; absent: recorded on first download, checked afterwards. */
  sha256?: string;
  /** Refuse to download more than this many bytes (a bound against a wrong or hostile server). */
  maxBytes: number;
}

/** A file of the dataset folder: the download itself, or a member of the downloaded archive. */
export interface Member {
  /** File name in the dataset folder. */
  name: string;
  /** Archive member path ending (for zip / tar.gz downloads); absent: the download itself. */
  from?: string;
  /** Known sha256 of the file's bytes. */
  sha256?: string;
}

export interface DatasetEntry {
  name: string;
  title: string;
  homepage: string;
  /** How the download is unpacked. */
  kind: 'files' | 'zip' | 'tar.gz' | 'manual';
  downloads: Download[];
  files: Member[];
  /** Files concatenated (in order) into `events.file` after unpacking (split files of one set). */
  concat?: string[];
  /** What `mirec train --dataset NAME` reads. */
  events: { file: string; format: Exclude<EventFormat, 'delimited'> };
  /** The terms of use, in brief; the dataset's own README is authoritative. */
  licence: string;
  /** For manual sets: how to obtain the file. */
  manual?: string;
}

const MB = 1 << 20;
const GROUPLENS = 'https://files.grouplens.org/datasets/movielens';
// S3-Rec's preprocessed data at a fixed commit, so the bytes (and their hashes) cannot drift.
const S3REC = 'https://raw.githubusercontent.com/aHuiWang/CIKM2020-S3Rec/49a890dcb516c9ed3126564495234ea74d5cd566/data';
const RECBOLE = 'https://recbole.s3-accelerate.amazonaws.com/ProcessedDatasets';
const COMIREC_DATA: Download = { url: 'https://cloud.tsinghua.edu.cn/f/e5c4211255bc40cba828/?dl=1', file: 'comirec-data.tar.gz', maxBytes: 2048 * MB };

const MOVIELENS_TERMS = 'GroupLens terms: research use only, no commercial use without permission, cite Harper & Konstan (ACM TiiS 2015), do not imply endorsement';
const S3REC_TERMS = 'no licence in the files; derived from Amazon review data (J. McAuley, UCSD): research and evaluation use, cite He & McAuley (WWW 2016) and McAuley et al. (SIGIR 2015); do not republish';

function s3rec(name: string, title: string, base: string, txt: string, attrs: string, terms = S3REC_TERMS): DatasetEntry {
  return {
    name, title, homepage: 'https://github.com/aHuiWang/CIKM2020-S3Rec', kind: 'files',
    downloads: [
      { url: `${S3REC}/${base}.txt`, file: `s3rec-${base}.txt`, sha256: txt, maxBytes: 64 * MB },
      { url: `${S3REC}/${base}_item2attributes.json`, file: `s3rec-${base}_item2attributes.json`, sha256: attrs, maxBytes: 64 * MB },
    ],
    files: [{ name: `${base}.txt`, sha256: txt }, { name: `${base}_item2attributes.json`, sha256: attrs }],
    events: { file: `${base}.txt`, format: 'sequence' },
    licence: terms,
  };
}

function recbole(name: string, title: string, path: string, base: string): DatasetEntry {
  return {
    name, title, homepage: 'https://recbole.io/dataset_list.html', kind: 'zip',
    downloads: [{ url: `${RECBOLE}/${path}`, file: `recbole-${base}.zip`, maxBytes: 512 * MB }],
    files: [{ name: `${base}.inter`, from: `${base}.inter` }],
    events: { file: `${base}.inter`, format: 'recbole' },
    licence: `RecBole's conversion of a public set; the original set's terms apply (${title.replace(/^RecBole atomic files: /, '')})`,
  };
}

function comirec(name: string, title: string, prefix: string, cate?: string): DatasetEntry {
  const parts = ['train', 'valid', 'test'].map((s) => `${prefix}_${s}.txt`);
  return {
    name, title, homepage: 'https://github.com/THUDM/ComiRec', kind: 'tar.gz', downloads: [COMIREC_DATA],
    files: [...parts, `${prefix}_item_cate.txt`].map((f) => ({ name: f, from: `${prefix}_data/${f}`, ...(f.endsWith('_item_cate.txt') && cate ? { sha256: cate } : {}) })),
    // ComiRec splits users 80/10/10 into three files; mirec's protocol splits them itself.
    concat: parts,
    events: { file: `${prefix}.txt`, format: 'comirec' },
    licence: prefix === 'book'
      ? 'no licence in the files; derived from Amazon review data (J. McAuley, UCSD) by ComiRec: research use, cite Cen et al. (KDD 2020) and McAuley\'s Amazon data'
      : 'no licence in the files; derived from Alibaba Tianchi UserBehavior by ComiRec: research use under Tianchi\'s terms, cite Cen et al. (KDD 2020)',
  };
}

export const DATASETS: readonly DatasetEntry[] = [
  {
    name: 'movielens-100k', title: 'MovieLens 100K (943 users, 1,682 movies, 100,000 ratings)', homepage: 'https://grouplens.org/datasets/movielens/100k/', kind: 'zip',
    // Archive hash as recorded by TensorFlow Datasets' url_checksums/movielens.txt.
    downloads: [{ url: `${GROUPLENS}/ml-100k.zip`, file: 'ml-100k.zip', sha256: '50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229', maxBytes: 16 * MB }],
    files: [
      { name: 'u.data', from: 'ml-100k/u.data', sha256: '06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490' },
      { name: 'u.item', from: 'ml-100k/u.item', sha256: '553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701' },
      { name: 'u.user', from: 'ml-100k/u.user', sha256: 'f120e114da2e8cf314fd28f99417c94ae9ddf1cb6db8ce0e4b5995d40e90e62c' },
      { name: 'u.genre', from: 'ml-100k/u.genre', sha256: '9757e0d3e6b298159a80dd48eaf938114690e911e39af97a76949ef1663610bb' },
      { name: 'README', from: 'ml-100k/README' },
    ],
    events: { file: 'u.data', format: 'movielens-tab' },
    licence: `${MOVIELENS_TERMS}; no redistribution without permission`,
  },
  {
    name: 'movielens-1m', title: 'MovieLens 1M (6,040 users, 3,706 movies, 1,000,209 ratings)', homepage: 'https://grouplens.org/datasets/movielens/1m/', kind: 'zip',
    downloads: [{ url: `${GROUPLENS}/ml-1m.zip`, file: 'ml-1m.zip', sha256: 'a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20', maxBytes: 16 * MB }],
    files: [
      { name: 'ratings.dat', from: 'ml-1m/ratings.dat' },
      { name: 'movies.dat', from: 'ml-1m/movies.dat', sha256: '0140fc2356357c1a851d0f52e893a1e4d3696df632c4141cea8d5bc3d621f0b9' },
      { name: 'users.dat', from: 'ml-1m/users.dat', sha256: '1dc3a95300cb19f7c10e027daf29b8cdf1d908dab65b5edfb45950aa389a10a3' },
      { name: 'README', from: 'ml-1m/README' },
    ],
    events: { file: 'ratings.dat', format: 'movielens-dat' },
    licence: `${MOVIELENS_TERMS}; no redistribution without permission`,
  },
  {
    name: 'movielens-latest-small', title: 'MovieLens latest-small (610 users, 9,724 movies, 100,836 ratings, tags)', homepage: 'https://grouplens.org/datasets/movielens/latest/', kind: 'zip',
    downloads: [{ url: `${GROUPLENS}/ml-latest-small.zip`, file: 'ml-latest-small.zip', sha256: '696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436', maxBytes: 16 * MB }],
    files: [
      { name: 'ratings.csv', from: 'ml-latest-small/ratings.csv', sha256: 'aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646' },
      { name: 'movies.csv', from: 'ml-latest-small/movies.csv', sha256: '5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07' },
      { name: 'tags.csv', from: 'ml-latest-small/tags.csv', sha256: '92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d' },
      { name: 'links.csv', from: 'ml-latest-small/links.csv', sha256: '97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31' },
      { name: 'README.txt', from: 'ml-latest-small/README.txt', sha256: 'e165937702ae1fac9237b6bd377f03d027f7ef97175d4a04a203e8b12d5516ea' },
    ],
    events: { file: 'ratings.csv', format: 'movielens-csv' },
    licence: `${MOVIELENS_TERMS}; may be redistributed (also transformed) under these same terms`,
  },
  s3rec('amazon-beauty', 'S3-Rec Amazon Beauty 5-core (22,363 users, 12,101 items, 198,502 events)', 'Beauty',
    '226cce9c3105299ca0db9615d7d3fb32b3175e90da43100ae352599f0f0107b8', '129e40f67486f6877eff0f5318cfa8530ee8ac23d8b0d1de04e1bb7a2ba0b2d4'),
  s3rec('amazon-sports', 'S3-Rec Amazon Sports and Outdoors 5-core (35,598 users, 18,357 items, 296,337 events)', 'Sports_and_Outdoors',
    '2a095e0648872beb9982408958290f5d655db5be2911c3756b5446de9f0b8de2', '7fb10733ac4f1811384a52144cdefa7fcc7536fa80a7232c5da9bd789155c34b'),
  s3rec('amazon-toys', 'S3-Rec Amazon Toys and Games 5-core (19,412 users, 11,924 items, 167,597 events)', 'Toys_and_Games',
    '176c680c688d497598c4a89a03b402c0fe78d795e5db335c2e78dd5f2d778a3f', 'd371acd25101eedac04afc727626464b7acec770c4eda708705d51eb76eb1ad0'),
  s3rec('yelp', 'S3-Rec Yelp 2019 5-core (30,431 users, 20,033 items, 316,354 events)', 'Yelp',
    '724b219106b81dd2349027da997334ddb6da9fe2f152ad6e0d97a93170f7caed', 'f25acd5e1e680e0b22fd4e3f4fb6be4b2a7461e9222610616e3e1ee6702dd58d',
    'no licence in the files; derived from the Yelp Open Dataset, whose own terms of use apply: academic use, do not redistribute'),
  {
    name: 'taobao-userbehavior', title: 'Taobao UserBehavior (about 1M users, 100M events, Nov 25 – Dec 3 2017)', homepage: 'https://tianchi.aliyun.com/dataset/649', kind: 'manual',
    downloads: [], files: [{ name: 'UserBehavior.csv' }],
    events: { file: 'UserBehavior.csv', format: 'taobao' },
    licence: 'Alibaba Tianchi terms (sign-in required): research use, cite the dataset page',
    manual: 'Tianchi serves this file only to signed-in users: download UserBehavior.csv.zip from https://tianchi.aliyun.com/dataset/649, unzip it, and put UserBehavior.csv in the folder shown below (or use `mirec data get comirec-taobao` for ComiRec\'s preprocessed copy).',
  },
  comirec('comirec-book', 'ComiRec Amazon Book (603,668 users, 367,982 items, 8.9M events; ComiRec preprocessing)', 'book',
    '5cf2323752498573d5c76c34251724c055cb73f545eb2d4fdeba520da622d30e'),
  comirec('comirec-taobao', 'ComiRec Taobao (ComiRec preprocessing of UserBehavior)', 'taobao'),
  recbole('recbole-ml-100k', 'RecBole atomic files: MovieLens 100K', 'MovieLens/ml-100k.zip', 'ml-100k'),
  recbole('recbole-ml-1m', 'RecBole atomic files: MovieLens 1M', 'MovieLens/ml-1m.zip', 'ml-1m'),
  recbole('recbole-amazon-beauty', 'RecBole atomic files: Amazon Beauty ratings', 'Amazon_ratings/Amazon_Beauty.zip', 'Amazon_Beauty'),
  recbole('recbole-yelp', 'RecBole atomic files: Yelp', 'Yelp/yelp.zip', 'yelp'),
];

export function datasetNamed(name: string): DatasetEntry | undefined {
  return DATASETS.find((d) => d.name === name);
}
