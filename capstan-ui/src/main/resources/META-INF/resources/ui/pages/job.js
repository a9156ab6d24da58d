// One job: status and the pending reason in plain words, conditions, replicas, its training metrics
// as charts (live while it runs), events, the logs of
// any replica or all of them (following as `capstan logs -f`, searchable, downloadable), the spec
// as submitted, and cancel / delete / resubmit for editors.
import { api, get, path, follow } from '../api.js';
import { h, mount, table, time, duration, badge } from '../dom.js';
import { metricsPanel } from '../metrics.js';

const KEEP_LINES = 20000;
const TERMINAL = ['Succeeded', 'Failed', 'Cancelled'];
const SHOW_LINES = 2000;

export async function jobPage(ctx) {
  const { project, params } = ctx;
  const jobPath = path`/api/v1/projects/${project}/jobs/${params.job}`;
  let job = await get(jobPath, { signal: ctx.signal });
  ctx.title(job.name);
  const head = h('div', { class: 'page-head' });
  const summary = h('section', { class: 'summary', 'aria-live': 'polite' });
  const replicas = h('section', {});
  const conditions = h('section', {});
  const events = h('section', {});
  const logs = logView(ctx, jobPath, job);
  const metrics = metricsPanel(project, job.name, ctx.signal);
  const spec = h('pre', { class: 'spec', id: 'spec', tabindex: 0 });
  mount(
    ctx.main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/p/${encodeURIComponent(project)}/jobs` }, 'Jobs'), ' / ', job.name),
    head,
    summary,
    h('h2', {}, 'Replicas'),
    replicas,
    h('h2', {}, 'Metrics'),
    metrics.el,
    h('h2', {}, 'Logs'),
    logs.el,
    h('div', { class: 'two' }, h('div', {}, h('h2', {}, 'Conditions'), conditions), h('div', {}, h('h2', {}, 'Events'), events)),
    h('h2', {}, 'Spec as submitted'),
    spec,
  );
  get(`${jobPath}/spec`, { signal: ctx.signal })
    .then((text) => (spec.textContent = text))
    .catch(() => (spec.textContent = JSON.stringify(job.spec, null, 2)));

  function render() {
    const s = job.status;
    const terminal = TERMINAL.includes(s.phase);
    mount(
      head,
      h('h1', {}, job.name, ' ', h('span', { id: 'phase' }, badge(s.phase))),
      ctx.canEdit()
        ? h(
            'div',
            { class: 'actions' },
            terminal ? null : h('button', { type: 'button', id: 'cancel', onclick: () => act('POST', `${jobPath}/cancel`, `Cancel job ${job.name}?`) }, 'Cancel'),
            h('a', { class: 'button', id: 'resubmit', href: `#/p/${encodeURIComponent(project)}/new?from=${encodeURIComponent(job.name)}` }, 'Resubmit'),
            h('button', { type: 'button', class: 'danger', id: 'delete', onclick: () => act('DELETE', jobPath, `Delete job ${job.name}, its logs and files?`, true) }, 'Delete'),
          )
        : null,
    );
    mount(
      summary,
      s.phase === 'Queued' || s.phase === 'Starting'
        ? h('p', { class: 'pending', id: 'pending-reason' }, h('strong', {}, 'Waiting: '), s.message || s.reason || 'waiting for admission')
        : s.message
          ? h('p', { class: 'message', id: 'status-message' }, s.message)
          : null,
      h(
        'dl',
        { class: 'facts' },
        fact('Kind', job.spec.sourceKind),
        fact('Reason', s.reason),
        fact('Submitted', time(s.createdAt)),
        fact('Started', time(s.startedAt)),
        fact('Finished', time(s.finishedAt)),
        fact('Duration', duration(s.startedAt, s.finishedAt)),
        fact('Restarts', String(s.restarts)),
      ),
      s.warnings.length ? h('ul', { class: 'warnings' }, s.warnings.map((w) => h('li', {}, w))) : null,
    );
    mount(
      replicas,
      table(
        [
          { title: 'Replica', cell: (r) => r.name },
          { title: 'Role', cell: (r) => r.role },
          { title: 'State', cell: (r) => badge(r.state) },
          { title: 'Exit code', class: 'num', cell: (r) => (r.exitCode === null || r.exitCode === undefined ? '—' : String(r.exitCode)) },
          { title: 'Node', class: 'node', cell: (r) => r.node || '—' },
          { title: 'GPUs', cell: (r) => (r.gpus.length ? r.gpus.join(', ') : '—') },
          { title: 'Attempt', class: 'num', cell: (r) => String(r.attempt) },
          { title: 'Running for', cell: (r) => duration(r.startedAt, r.finishedAt) },
          { title: 'Message', class: 'why', cell: (r) => [r.reason ? `${r.reason}: ` : '', r.message || ''] },
        ],
        s.replicas,
        { key: (r) => r.name, label: 'Replicas', empty: 'No replicas yet.' },
      ),
    );
    mount(
      conditions,
      table(
        [
          { title: 'Type', cell: (c) => c.type },
          { title: 'Status', cell: (c) => c.status },
          { title: 'Reason', cell: (c) => c.reason },
          { title: 'Since', cell: (c) => time(c.lastTransitionTime) },
        ],
        s.conditions,
        { key: (c) => c.type, label: 'Conditions', empty: 'No conditions yet.' },
      ),
    );
    mount(
      events,
      table(
        [
          { title: 'Time', cell: (e) => time(e.time) },
          { title: 'Phase', cell: (e) => badge(e.phase) },
          { title: 'Reason', cell: (e) => e.reason },
          { title: 'Message', class: 'why', cell: (e) => e.message },
        ],
        job.events,
        { label: 'Events' },
      ),
    );
    return terminal;
  }

  async function act(method, url, question, leave) {
    if (!window.confirm(question)) return;
    try {
      await api(method, url);
      if (leave) window.location.hash = `#/p/${encodeURIComponent(project)}/jobs`;
      else job = await get(jobPath), render();
    } catch (e) {
      window.alert(e.message);
    }
  }

  render();
  logs.start();
  // Metrics while the job runs, and once more after it ended (its last lines may come late).
  let ended = 0;
  ctx.every(3000, async () => {
    if (ended > 1) return;
    if (TERMINAL.includes(job.status.phase)) ended++;
    await metrics.load();
  });
  // Redrawn only when the job changed, so a button is not replaced under the pointer.
  let last = JSON.stringify(job);
  await ctx.every(1500, async () => {
    const next = await get(jobPath, { signal: ctx.signal });
    const text = JSON.stringify(next);
    if (text === last) return;
    last = text;
    job = next;
    render();
    logs.update(job);
  });
}

function fact(term, value) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, value || '—'));
}

/** The log panel: a replica (or all), following, a search that filters lines, downloads. */
function logView(ctx, jobPath, job) {
  const names = job.status.replicas.map((r) => r.name);
  let chosen = names.length > 1 ? '*' : names[0] || '';
  let lines = [];
  let streams = null;
  let scheduled = false;
  const pre = h('pre', { class: 'log', id: 'log', tabindex: 0, 'aria-label': 'Log' });
  const status = h('span', { class: 'hint', id: 'log-status' });
  const search = h('input', { type: 'search', id: 'log-search', placeholder: 'Filter lines', oninput: () => draw() });
  const downloads = h('span', { class: 'downloads' });
  const picker = h(
    'select',
    {
      id: 'log-replica',
      onchange: (e) => {
        chosen = e.target.value;
        start();
      },
    },
    names.length > 1 ? h('option', { value: '*', selected: chosen === '*' }, 'all replicas') : null,
    names.map((n) => h('option', { value: n, selected: n === chosen }, n)),
  );
  const el = h(
    'div',
    { class: 'logs' },
    h('div', { class: 'log-bar' }, h('label', {}, 'Replica ', picker), h('label', {}, 'Search ', search), downloads, status),
    pre,
  );
  mount(
    downloads,
    names.map((n) => h('a', { href: `${jobPath}/logs?replica=${encodeURIComponent(n)}`, download: `${job.name}-${n}.log` }, `${n}.log`)),
  );

  function start() {
    if (streams) streams.abort();
    streams = new AbortController();
    ctx.signal.addEventListener('abort', () => streams.abort());
    lines = [];
    draw();
    const which = chosen === '*' ? names : [chosen];
    status.textContent = 'following…';
    Promise.all(
      which.map((name) =>
        follow(`${jobPath}/logs?follow=true&replica=${encodeURIComponent(name)}`, streams.signal, (batch) => {
          const kept = batch.length > KEEP_LINES ? batch.slice(-KEEP_LINES) : batch;
          for (const text of kept) lines.push(which.length > 1 ? `[${name}] ${text}` : text);
          if (lines.length > KEEP_LINES) lines = lines.slice(lines.length - KEEP_LINES);
          schedule();
        }),
      ),
    )
      .then(() => (status.textContent = 'ended'))
      .catch((e) => {
        if (e.name !== 'AbortError') status.textContent = e.message;
      });
  }

  // Lines arrive in bursts; the view redraws at most once a frame, only its last lines.
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      draw();
    });
  }

  function draw() {
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    const needle = search.value.toLowerCase();
    const shown = needle ? lines.filter((l) => l.toLowerCase().includes(needle)) : lines;
    pre.textContent = shown.slice(-SHOW_LINES).join('\n');
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }

  return {
    el,
    start,
    // A job that had no replicas yet when the page opened gets its log picker once they exist.
    update(next) {
      if (!names.length && next.status.replicas.length) {
        const fresh = logView(ctx, jobPath, next);
        el.replaceWith(fresh.el);
        Object.assign(this, fresh);
        fresh.start();
      }
    },
  };
}
