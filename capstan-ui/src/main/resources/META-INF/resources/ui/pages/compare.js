// Several jobs' same metric side by side: one chart with a line per job (its first replica, a
// chosen one, or all), and their latest values. The URL holds the choice
// (#/p/P/compare?metric=loss&jobs=a,b&replica=all), so a comparison can be shared.
import { get, path, ApiError } from '../api.js';
import { h, mount, table, chart } from '../dom.js';
import { list } from '../form.js';
import { summary, points, linesByReplica, value } from '../metrics.js';

export async function comparePage(ctx) {
  const { project, query } = ctx;
  const state = { jobs: list(query.get('jobs')), metric: query.get('metric') || '', replica: query.get('replica') || '' };
  ctx.title(`Compare ${state.metric || 'metrics'}`);
  const recent = await get(`${path`/api/v1/projects/${project}/jobs`}?order=newest&limit=50`, { signal: ctx.signal });
  const metricPick = h('select', { id: 'compare-metric', name: 'metric' });
  const replicaPick = h('select', { id: 'compare-replica', name: 'replica' });
  const jobsField = h('input', { id: 'compare-jobs', name: 'jobs', size: 48, list: 'compare-recent', value: state.jobs.join(', '), placeholder: 'job-a, job-b' });
  const out = h('section', { id: 'comparison' });
  const apply = (e) => {
    e?.preventDefault();
    state.jobs = list(jobsField.value);
    state.metric = metricPick.value;
    state.replica = replicaPick.value;
    ctx.setQuery({ metric: state.metric, jobs: state.jobs.join(','), replica: state.replica });
    shown = null;
    load();
  };
  mount(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Compare jobs')),
    h(
      'form',
      { class: 'filters', id: 'compare-form', onsubmit: apply },
      h('label', {}, 'Jobs ', jobsField),
      h('datalist', { id: 'compare-recent' }, recent.map((j) => h('option', { value: j.name }))),
      h('label', {}, 'Metric ', metricPick),
      h('label', {}, 'Replica ', replicaPick),
      h('button', { type: 'submit' }, 'Compare'),
    ),
    out,
  );
  metricPick.addEventListener('change', apply);
  replicaPick.addEventListener('change', apply);

  let shown = null;
  async function load() {
    const found = await Promise.all(
      state.jobs.map((job) =>
        summary(project, job, ctx.signal).catch((e) => {
          if (e instanceof ApiError && e.status === 404) return null;
          throw e;
        }),
      ),
    );
    const key = JSON.stringify([state, found]);
    if (key === shown) return;
    shown = key;
    const names = [...new Set(found.flat().filter(Boolean).map((m) => m.name))].sort();
    if (!state.metric && names.length) state.metric = names[0];
    const replicas = [...new Set(found.flat().filter((m) => m && m.name === state.metric).map((m) => m.replica))].sort();
    options(metricPick, names.map((n) => [n, n]), state.metric);
    options(replicaPick, [['', 'first of each job'], ['all', 'all'], ...replicas.map((r) => [r, r])], state.replica);
    const rows = [];
    const lines = [];
    for (let i = 0; i < state.jobs.length; i++) {
      const job = state.jobs[i];
      const latest = (found[i] || []).filter((m) => m.name === state.metric);
      const replica = state.replica === 'all' ? null : state.replica || latest.map((m) => m.replica).sort()[0];
      const chosen = latest.filter((m) => !replica || m.replica === replica);
      rows.push(...(found[i] === null ? [{ job, missing: 'no such job' }] : chosen.length ? chosen.map((m) => ({ job, ...m })) : [{ job, missing: `no metric ${state.metric}` }]));
      if (!chosen.length) continue;
      const got = await points(project, job, state.metric, replica, ctx.signal);
      const byReplica = linesByReplica(got.points, `${job} `);
      lines.push(...(replica ? byReplica.map((l) => ({ ...l, name: job })) : byReplica));
    }
    const base = `#/p/${encodeURIComponent(project)}/jobs/`;
    mount(
      out,
      state.metric ? chart(`${state.metric} by step`, lines, { xLabel: (x) => `step ${x}`, id: 'compare-chart' }) : h('p', { class: 'empty' }, 'Name jobs that print metrics.'),
      table(
        [
          { title: 'Job', cell: (r) => h('a', { href: base + encodeURIComponent(r.job) }, r.job) },
          { title: 'Replica', cell: (r) => r.replica || '—' },
          { title: 'Step', class: 'num', cell: (r) => (r.missing ? '—' : String(r.step)) },
          { title: `Latest ${state.metric}`, class: 'num', cell: (r) => (r.missing ? r.missing : value(r.value)) },
          { title: 'Points', class: 'num', cell: (r) => (r.missing ? '—' : String(r.points)) },
        ],
        rows,
        { key: (r) => `${r.job}/${r.replica || ''}`, label: 'Latest values', empty: 'No jobs chosen.' },
      ),
    );
  }
  await ctx.every(5000, load);
}

function options(select, pairs, chosen) {
  mount(select, pairs.map(([v, label]) => h('option', { value: v, selected: v === chosen }, label)));
}
