// A checkpoint URL read by HTTP Range requests, as a RangeFile (data/host-files.ts), so a served
// model fetches the header and its weights only: a training checkpoint's optimizer moments (twice
// the weights with Adam) never cross the network, and a Worker never buffers the whole file. The
// first request asks for a prefix; a server that answers it with 206 and a Content-Range giving
// the file's size is read range by range, one that answers 200 sends the whole file instead.
import type { RangeFile } from '../data/host-files.js';
import { readRangeBody } from './range-body.js';

/** Bytes asked for first: the 8-byte header length and, usually, the header. */
export const FIRST_RANGE_BYTES = 1 << 16;

/** What the first response says: the file as ranges, or a whole-file response to read as before. */
export type FirstResponse = { ranges: RangeFile } | { whole: Response };

/** Fetch `url` asking for its first bytes; `fail` turns a transport error into the caller's. */
export async function openHttpRanges(url: string, fail: (e: unknown) => never): Promise<FirstResponse> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Range: `bytes=0-${FIRST_RANGE_BYTES - 1}` } });
  } catch (e) {
    fail(e);
  }
  const range = /^bytes 0-\d+\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
  if (res.status !== 206 || !range) return { whole: res };
  const size = Number(range[1]);
  const got = Math.min(size, FIRST_RANGE_BYTES);
  const prefix = await readRangeBody(res, new Uint8Array(got), got, `${url}: bytes 0-${got - 1}`);
  return {
    ranges: {
      size,
      async read(dest, offset, length, position) {
        length = Math.min(length, size - position);
        if (length <= 0) return 0;
        const into = dest.subarray(offset, offset + length);
        if (position < got) {
          const n = Math.min(length, got - position);
          into.set(prefix.subarray(position, position + n));
          return n;
        }
        const what = `${url}: bytes ${position}-${position + length - 1}`;
        const r = await fetch(url, { headers: { Range: `bytes=${position}-${position + length - 1}` } });
        const start = /^bytes (\d+)-/.exec(r.headers.get('content-range') ?? '')?.[1];
        if (r.status !== 206 || Number(start) !== position) {
          await r.body?.cancel();
          throw new Error(`${what}: HTTP ${r.status}${r.status === 206 ? ` with Content-Range ${JSON.stringify(r.headers.get('content-range'))}` : ''} (a Range request must be answered with 206 and the bytes asked for)`);
        }
        await readRangeBody(r, into, length, what, false); // into is the caller's: no transfer
        return length;
      },
      close: async () => {},
    },
  };
}
