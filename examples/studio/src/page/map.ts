// The interest map: every item at its first two principal components (coloured by category),
// the inspected user's history items ringed, the recommended items as squares, and each interest
// vector as a numbered circle projected on the same axes.
import type { MapData } from '../protocol.js';

export interface MapOverlay {
  interests: { k: number; xy: [number, number] }[];
  history: number[];
  recommended: number[];
}

export const categoryColor = (c: number) => (c < 0 ? 'rgba(130,138,152,0.45)' : `hsla(${(c * 137.508) % 360}, 62%, 46%, 0.55)`);

export function drawMap(canvas: HTMLCanvasElement, m: MapData, overlay?: MapOverlay): void {
  const ctx = canvas.getContext('2d')!;
  const W = canvas.width, H = canvas.height, P = 24;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  const grow = (x: number, y: number) => { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); };
  for (let i = 1; i < m.items; i++) grow(m.coords[2 * i], m.coords[2 * i + 1]);
  for (const it of overlay?.interests ?? []) grow(it.xy[0], it.xy[1]);
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const sx = (x: number) => P + ((x - x0) / (x1 - x0)) * (W - 2 * P);
  const sy = (y: number) => H - P - ((y - y0) / (y1 - y0)) * (H - 2 * P);
  for (let i = 1; i < m.items; i++) {
    ctx.fillStyle = categoryColor(m.categories[i]);
    ctx.fillRect(sx(m.coords[2 * i]) - 1.5, sy(m.coords[2 * i + 1]) - 1.5, 3, 3);
  }
  if (!overlay) return;
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#1d2330';
  for (const i of overlay.history) {
    ctx.beginPath();
    ctx.arc(sx(m.coords[2 * i]), sy(m.coords[2 * i + 1]), 5, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.strokeStyle = '#0b7a3e';
  for (const i of overlay.recommended) ctx.strokeRect(sx(m.coords[2 * i]) - 4, sy(m.coords[2 * i + 1]) - 4, 8, 8);
  ctx.font = 'bold 12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const it of overlay.interests) {
    const x = sx(it.xy[0]), y = sy(it.xy[1]);
    ctx.fillStyle = '#2457c5';
    ctx.beginPath();
    ctx.arc(x, y, 10, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.fillText(String(it.k + 1), x, y + 0.5);
  }
}
