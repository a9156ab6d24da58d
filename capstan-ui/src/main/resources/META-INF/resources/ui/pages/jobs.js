// The jobs of a project: filters (phase, kind, user, text) and pages in the URL, newest first,
// polled every two seconds for the page shown (one small request however many jobs there are).
import { api, path } from '../api.js';
import { h, mount, table, time, duration, badge } from '../dom.js';

const PAGE = 50;
const PHASES = ['Queued', 'Starting', 'Running', 'Restarting', 'Succeeded', 'Failed', 'Cancelled'];
const KINDS = ['TrainingJob', 'PyTorchJob', 'TFJob', 'TrainJob', 'MPIJob', 'Job', 'ServingReplica'];

export async function jobsPage(ctx) {
  const { project, query } = ctx;
  ctx.title(`Jobs of ${project}`);
  const filters = {
    phase: query.get('phase') || '',
    kind: query.get('kind') || '',
    user: query.get('user') || '',
    q: query.get('q') || '',
    page: Math.max(1, Number(query.get('page')) || 1),
  };
  const results = h('div', { id: 'jobs', 'aria-live': 'polite' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const changed = (key) => (e) => {
    filters[key] = e.target.value;
    filters.page = 1;
    ctx.setQuery(filters);
    load();
  };
  let typing = null;
  // Toggles the user filter between the signed-in user's jobs and everyone's.
  const mine = (e) => {
    const user = filters.user === ctx.me.user ? '' : ctx.me.user;
    ctx.main.querySelector('#filter-user').value = user;
    e.target.setAttribute('aria-pressed', String(Boolean(user)));
    changed('user')({ target: { value: user } });
  };
  mount(
    ctx.main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Jobs'),
      ctx.canEdit() ? h('a', { class: 'button primary', href: `#/p/${encodeURIComponent(project)}/new`, id: 'new-job' }, 'New job') : null,
    ),
    h(
      'form',
      { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      select('Phase', 'filter-phase', PHASES, filters.phase, changed('phase')),
      select('Kind', 'filter-kind', KINDS, filters.kind, changed('kind')),
      h('label', {}, 'User ', h('input', { id: 'filter-user', value: filters.user, size: 10, onchange: changed('user') })),
      h('button', { type: 'button', id: 'filter-mine', 'aria-pressed': String(filters.user === ctx.me.user), onclick: mine }, 'Mine'),
      h(
        'label',
        {},
        'Name ',
        h('input', {
          id: 'filter-text',
          type: 'search',
          value: filters.q,
          'data-search': true,
          placeholder: 'Search ( / )',
          oninput: (e) => {
            clearTimeout(typing);
            typing = setTimeout(() => changed('q')(e), 200);
          },
        }),
      ),
    ),
    results,
    pager,
  );

  async function load() {
    const q = new URLSearchParams({ order: 'newest', limit: PAGE, offset: (filters.page - 1) * PAGE });
    for (const key of ['phase', 'kind', 'user', 'q']) if (filters[key]) q.set(key, filters[key]);
    const response = await api('GET', `${path`/api/v1/projects/${project}/jobs`}?${q}`, { signal: ctx.signal, raw: true });
    const jobs = await response.json();
    const total = Number(response.headers.get('X-Total-Count') || jobs.length);
    render(jobs, total);
  }

  function render(jobs, total) {
    const base = `#/p/${encodeURIComponent(project)}/jobs/`;
    mount(
      results,
      table(
        [
          { title: 'Name', cell: (j) => h('a', { href: base + encodeURIComponent(j.name) }, j.name) },
          { title: 'Kind', cell: (j) => j.spec.sourceKind },
          { title: 'Phase', cell: (j) => badge(j.status.phase) },
          { title: 'User', class: 'user', cell: (j) => j.submittedBy || '' },
          { title: 'Why', class: 'why', cell: (j) => (j.status.phase === 'Queued' ? j.status.message : j.status.reason) },
          { title: 'Replicas', class: 'num', cell: (j) => String(j.status.replicas.length) },
          { title: 'Submitted', cell: (j) => time(j.status.createdAt) },
          { title: 'Duration', cell: (j) => duration(j.status.startedAt, j.status.finishedAt) },
        ],
        jobs,
        { key: (j) => j.name, label: 'Jobs', empty: filtersSet() ? 'No job matches these filters.' : 'No jobs yet.' },
      ),
    );
    const pages = Math.max(1, Math.ceil(total / PAGE));
    const go = (page) => () => {
      filters.page = page;
      ctx.setQuery(filters, false);
      load();
    };
    mount(
      pager,
      h('button', { type: 'button', id: 'prev', disabled: filters.page <= 1, onclick: go(filters.page - 1) }, '← Newer'),
      h('span', { id: 'page-info' }, `Page ${filters.page} of ${pages} · ${total} job${total === 1 ? '' : 's'}`),
      h('button', { type: 'button', id: 'next', disabled: filters.page >= pages, onclick: go(filters.page + 1) }, 'Older →'),
    );
  }

  function filtersSet() {
    return filters.phase || filters.kind || filters.user || filters.q;
  }

  // Back and forward between pages of the list come through hashchange: the router renders anew.
  await ctx.every(2000, load);
}

function select(label, id, options, value, onchange) {
  return h(
    'label',
    {},
    `${label} `,
    h('select', { id, onchange }, h('option', { value: '' }, 'any'), options.map((o) => h('option', { value: o, selected: o === value }, o))),
  );
}
