// Training metrics (decision 106: the name=value pairs a job's replicas print) as the console
// shows them: a job's panel of charts, one per metric with a line per replica, and its latest
// values as a table (which is also the charts' text for screen readers). The compare page and
// experiment pages build on the loaders and lines here.
import { get, path } from './api.js';
import { h, mount, table, time, chart } from './dom.js';

/** At most this many charts on a job's page; the table lists every series. */
const MAX_CHARTS = 12;

/** The latest value of every series of a job: [{name, replica, step, value, time, points}]. */
export async function summary(project, job, signal) {
  return (await get(path`/api/v1/projects/${project}/jobs/${job}/metrics`, { signal })).metrics;
}

/** The points of one metric of a job (every replica, or replica): [{replica, step, value, time}]. */
export async function points(project, job, metric, replica, signal) {
  const q = replica ? `?replica=${encodeURIComponent(replica)}` : '';
  const answer = await get(`${path`/api/v1/projects/${project}/jobs/${job}/metrics/${metric}`}${q}`, { signal });
  return { points: answer.points, truncated: answer.truncated };
}

/** Points as chart lines, one per replica in name order, each [[step, value], ...]. */
export function linesByReplica(list, prefix = '') {
  const by = new Map();
  for (const p of list) {
    if (!by.has(p.replica)) by.set(p.replica, []);
    by.get(p.replica).push([p.step, p.value]);
  }
  return [...by.keys()].sort().map((replica) => ({ name: prefix + replica, points: by.get(replica) }));
}

/** A number as a metric table shows it: up to 6 significant digits. */
export function value(x) {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

/**
 * A job's metrics panel: load() fetches the latest values, and the points of each metric only when
 * a series grew, then redraws; call it while the job runs and once after it ends.
 */
export function metricsPanel(project, job, signal) {
  const el = h('section', { id: 'metrics', 'aria-live': 'off' });
  let shown = null;
  async function load() {
    const latest = await summary(project, job, signal);
    const key = JSON.stringify(latest.map((m) => [m.name, m.replica, m.points, m.step]));
    if (key === shown) return;
    shown = key;
    const names = [...new Set(latest.map((m) => m.name))];
    const series = await Promise.all(names.slice(0, MAX_CHARTS).map((n) => points(project, job, n, null, signal)));
    render(latest, names, series);
  }
  function render(latest, names, series) {
    if (!latest.length) {
      mount(el, h('p', { class: 'empty' }, 'No metrics yet: lines such as ', h('code', {}, 'step=3 loss=0.42'), ' in a replica\'s output become metrics.'));
      return;
    }
    const compare = (name) => `#/p/${encodeURIComponent(project)}/compare?metric=${encodeURIComponent(name)}&jobs=${encodeURIComponent(job)}`;
    mount(
      el,
      h(
        'div',
        { class: 'charts' },
        series.map((s, i) => {
          const figure = chart(names[i], linesByReplica(s.points), { xLabel: (x) => `step ${x}` });
          figure.dataset.metric = names[i];
          if (s.truncated) figure.append(h('p', { class: 'hint' }, 'The first 10,000 points of each replica are kept; the table has the latest.'));
          return figure;
        }),
      ),
      names.length > MAX_CHARTS ? h('p', { class: 'hint' }, `Charts of the first ${MAX_CHARTS} of ${names.length} metrics; the table lists all.`) : null,
      table(
        [
          { title: 'Metric', cell: (m) => m.name },
          { title: 'Replica', cell: (m) => m.replica },
          { title: 'Step', class: 'num', cell: (m) => String(m.step) },
          { title: 'Latest', class: 'num', cell: (m) => value(m.value) },
          { title: 'Points', class: 'num', cell: (m) => String(m.points) },
          { title: 'At', cell: (m) => time(m.time) },
          { title: '', cell: (m) => h('a', { href: compare(m.name) }, 'compare with other jobs') },
        ],
        latest,
        { key: (m) => `${m.name}/${m.replica}`, label: 'Latest metric values' },
      ),
    );
  }
  return { el, load };
}
