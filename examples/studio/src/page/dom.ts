// Small DOM helpers for the studio page: typed lookups, element construction, number formatting.

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`studio: #${id} is missing from the page`);
  return el as T;
}

type Child = Node | string | number | null | undefined | false;

/** document.createElement with attributes (data-*, aria-*, class, …) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(2)} %`);
export const num = (x: number) => x.toLocaleString('en-US');

/** A number input's value, or undefined when empty. */
export function optionalNumber(id: string): number | undefined {
  const v = $<HTMLInputElement>(id).value.trim();
  return v === '' ? undefined : Number(v);
}

export function showError(e: unknown): void {
  const el = $('error');
  el.textContent = e instanceof Error ? e.message : String(e);
  el.hidden = false;
}

export function clearError(): void {
  $('error').hidden = true;
}
