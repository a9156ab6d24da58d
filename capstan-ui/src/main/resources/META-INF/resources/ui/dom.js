// The console's only building blocks: h() makes elements, table() is the one table, chart() the
// one chart, bar() the one usage bar. No framework: a page renders elements and replaces them.

/** An element: h('a', {href: '#/x', class: 'link'}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key in el && typeof el[key] !== 'function' && key !== 'list' && key !== 'form') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : value);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * The one table: columns [{title, cell: row => node|text, class}], rows; an empty message when
 * there are none. Rows carry data-key for tests and live updates.
 */
export function table(columns, rows, { empty = 'Nothing here yet.', key, label } = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    { class: 'grid', 'aria-label': label },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.title)))),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h('tr', { 'data-key': key ? key(row) : undefined }, columns.map((c) => h('td', { class: c.class }, c.cell(row)))),
      ),
    ),
  );
}

/** A usage bar: used of total (numbers), with a label. Over 100% shows as borrowed. */
export function bar(label, used, total, text) {
  const share = total > 0 ? Math.min(used / total, 1) : used > 0 ? 1 : 0;
  const over = used > total;
  return h(
    'div',
    { class: 'bar', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': used },
    h('span', { class: 'bar-label' }, label),
    h('span', { class: 'bar-track' }, h('span', { class: over ? 'bar-fill over' : 'bar-fill', style: `width:${(share * 100).toFixed(1)}%` })),
    h('span', { class: 'bar-text' }, text),
  );
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}

/**
 * The one chart: series [{name, points: [[x, y], ...]}] as lines over a shared x axis (times in
 * ms, steps or indexes), in SVG with a legend; xLabel formats the axis ends. The y axis spans 0 to
 * the largest value (or the smallest, when below 0). The figure carries data-points (all points)
 * and each line data-series and data-points, for tests and for readers of the page's source.
 */
export function chart(title, series, { yUnit = '', xLabel = (x) => String(x), height = 160, id } = {}) {
  const width = 560;
  const pad = { l: 44, r: 8, t: 8, b: 22 };
  const all = series.flatMap((x) => x.points);
  const figure = h('figure', { class: 'chart', id, 'data-points': all.length }, h('figcaption', {}, title));
  if (!all.length) {
    figure.append(h('p', { class: 'empty' }, 'No data yet.'));
    return figure;
  }
  let [x0, x1, y0, y1] = [Infinity, -Infinity, 0, 1e-9];
  for (const [x, y] of all) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const X = (x) => pad.l + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const Y = (y) => height - pad.b - ((y - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, class: 'chart-svg' });
  svg.append(
    s('line', { x1: pad.l, y1: Y(0), x2: width - pad.r, y2: Y(0), class: 'axis' }),
    s('text', { x: pad.l - 4, y: Y(y1) + 4, 'text-anchor': 'end', class: 'tick' }, `${round(y1)}${yUnit}`),
    s('text', { x: pad.l - 4, y: Y(y0), 'text-anchor': 'end', class: 'tick' }, `${round(y0)}${yUnit}`),
    s('text', { x: pad.l, y: height - 4, class: 'tick' }, xLabel(x0)),
    s('text', { x: width - pad.r, y: height - 4, 'text-anchor': 'end', class: 'tick' }, xLabel(x1)),
  );
  series.forEach((line, i) => {
    const d = line.points.map((p, j) => `${j ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join('');
    svg.append(s('path', { d, class: `line line-${i % COLORS}`, 'data-series': line.name, 'data-points': line.points.length }));
    // Few points get a dot each, so a line of one point still shows.
    if (line.points.length <= 60) {
      for (const [x, y] of line.points) svg.append(s('circle', { cx: X(x).toFixed(1), cy: Y(y).toFixed(1), r: 2.5, class: `dot line-${i % COLORS}` }));
    }
  });
  figure.append(svg, h('div', { class: 'legend' }, series.map((line, i) => h('span', { class: `key key-${i % COLORS}` }, line.name))));
  return figure;
}

const COLORS = 8;

function round(n) {
  return Math.abs(n) >= 100 ? Math.round(n) : Number(n.toPrecision(3));
}

/** A time as the console shows it: local, to the second. */
export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** A duration between two times (or until now), as 1h 2m 3s. */
export function duration(from, to) {
  if (!from) return '—';
  let secs = Math.max(0, Math.round(((to ? new Date(to) : new Date()) - new Date(from)) / 1000));
  const parts = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]]) {
    if (secs >= size) {
      parts.push(Math.floor(secs / size) + unit);
      secs %= size;
    }
  }
  parts.push(secs + 's');
  return parts.slice(0, 2).join(' ');
}

/** A phase or state as a coloured badge. */
export function badge(text) {
  return h('span', { class: `badge badge-${String(text || '').toLowerCase()}` }, text || '—');
}
