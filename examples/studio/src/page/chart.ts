// Line charts as plain SVG: linear axes with a few round ticks, one polyline per series (dashed
// ones for reference lines), optional point markers, a legend. Each polyline carries its series
// name and point count as data attributes (the browser test reads them).

export interface Series {
  name: string;
  points: [number, number][];
  color: string;
  dashed?: boolean;
  markers?: boolean;
  /** false: markers only, no connecting line. */
  line?: boolean;
}

const NS = 'http://www.w3.org/2000/svg';
const W = 520, H = 220, L = 46, R = 10, TOP = 24, B = 26;

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function label(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e5) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

export function drawChart(svg: SVGSVGElement, series: Series[], opts: { xLabel: string; yFrom0?: boolean } = { xLabel: '' }): void {
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  svg.dataset.points = String(all.length);
  if (!all.length) {
    svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no data yet'));
    return;
  }
  let [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  if (opts.yFrom0) y0 = Math.min(0, y0);
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y1 += Math.abs(y1) * 0.1 || 1; y0 -= Math.abs(y0) * 0.1; }
  const pad = (y1 - y0) * 0.05;
  y1 += pad;
  if (!opts.yFrom0) y0 -= pad;
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - B - TOP);
  svg.append(el('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }), el('line', { class: 'axis', x1: L, y1: TOP, x2: L, y2: H - B }));
  for (const t of ticks(x0, x1)) svg.append(el('text', { x: sx(t), y: H - B + 13, 'text-anchor': 'middle' }, label(t)));
  for (const t of ticks(y0, y1)) {
    svg.append(el('text', { x: L - 4, y: sy(t) + 3, 'text-anchor': 'end' }, label(t)));
    svg.append(el('line', { x1: L, x2: W - R, y1: sy(t), y2: sy(t), stroke: '#eef0f4' }));
  }
  svg.append(el('text', { x: W - R, y: H - 2, 'text-anchor': 'end' }, opts.xLabel));
  let legendX = L;
  series.forEach((s) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const line = el('polyline', {
      points: pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' '), fill: 'none', stroke: s.line === false ? 'none' : s.color, 'stroke-width': 2,
      'data-series': s.name, 'data-count': pts.length, ...(s.dashed ? { 'stroke-dasharray': '5 4' } : {}),
    });
    svg.append(line);
    if (s.markers) for (const [x, y] of pts) svg.append(el('circle', { cx: sx(x), cy: sy(y), r: 3, fill: s.color }));
    // Legend in one row above the plot: a short line (dashed like the series) and the name.
    if (s.line === false) svg.append(el('circle', { cx: legendX + 7, cy: 9, r: 3, fill: s.color }));
    else svg.append(el('line', { x1: legendX, x2: legendX + 14, y1: 9, y2: 9, stroke: s.color, 'stroke-width': 2, ...(s.dashed ? { 'stroke-dasharray': '4 3' } : {}) }));
    svg.append(el('text', { x: legendX + 18, y: 12, style: `fill:${s.color}` }, s.name));
    legendX += 26 + s.name.length * 5.2;
  });
}
