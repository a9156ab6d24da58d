// Kubernetes quantities as numbers, for bars: CPU in cores ("500m" is 0.5), memory in bytes.

const SUFFIX = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 };

/** The number a quantity stands for; 0 for none. */
export function quantity(text) {
  if (text === null || text === undefined || text === '') return 0;
  const m = String(text).match(/^([0-9.]+)([A-Za-z]*)$/);
  if (!m) return 0;
  return Number(m[1]) * (SUFFIX[m[2]] || 1);
}

/** Bytes in the largest binary unit that keeps a number of at least 1. */
export function bytes(n) {
  for (const [unit, size] of [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]]) {
    if (n >= size) return `${Math.round((n / size) * 10) / 10}${unit}`;
  }
  return String(n);
}
