// Models: the registered models, and one model's versions (metrics, signature, lineage to the job
// that made it) and aliases, which editors move here.
import { api, get, path } from '../api.js';
import { h, mount, table, time } from '../dom.js';

export async function modelsPage(ctx) {
  const { project } = ctx;
  ctx.title(`Models of ${project}`);
  const models = await get(path`/api/v1/projects/${project}/models`, { signal: ctx.signal });
  mount(
    ctx.main,
    h('h1', {}, 'Models'),
    table(
      [
        { title: 'Model', cell: (m) => h('a', { href: `#/p/${encodeURIComponent(project)}/models/${encodeURIComponent(m.name)}` }, m.name) },
        { title: 'Latest version', class: 'num', cell: (m) => String(m.latestVersion ?? '—') },
        { title: 'Versions', class: 'num', cell: (m) => String(m.versions) },
        { title: 'Aliases', cell: (m) => Object.entries(m.aliases).map(([a, v]) => `@${a} → ${v}`).join(', ') || '—' },
        { title: 'Created', cell: (m) => time(m.createdAt) },
      ],
      models,
      { key: (m) => m.name, label: 'Models', empty: 'No models yet: register one from a job with `capstan model register`.' },
    ),
  );
}

export async function modelPage(ctx) {
  const { project, params } = ctx;
  const base = path`/api/v1/projects/${project}/models/${params.model}`;
  ctx.title(params.model);
  const versionsEl = h('section', { id: 'versions' });
  const aliasesEl = h('section', { id: 'aliases' });
  mount(
    ctx.main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/p/${encodeURIComponent(project)}/models` }, 'Models'), ' / ', params.model),
    h('h1', {}, params.model),
    h('h2', {}, 'Aliases'),
    aliasesEl,
    h('h2', {}, 'Versions'),
    versionsEl,
  );
  async function load() {
    const [versions, aliases] = await Promise.all([
      get(`${base}/versions`, { signal: ctx.signal }),
      get(`${base}/aliases`, { signal: ctx.signal }),
    ]);
    render(versions, aliases);
  }
  function render(versions, aliases) {
    const numbers = versions.map((v) => v.version);
    mount(
      aliasesEl,
      table(
        [
          { title: 'Alias', cell: (a) => `@${a.alias}` },
          { title: 'Version', class: 'num', cell: (a) => String(a.version) },
          { title: 'Moved', cell: (a) => time(a.updatedAt) },
          ...(ctx.canEdit() ? [{ title: 'Move to', cell: (a) => moveForm(a.alias, a.version, numbers, a.resourceVersion) }] : []),
        ],
        aliases,
        { key: (a) => a.alias, label: 'Aliases', empty: 'No aliases.' },
      ),
      ctx.canEdit() ? newAlias(numbers) : null,
    );
    mount(
      versionsEl,
      table(
        [
          { title: 'Version', class: 'num', cell: (v) => String(v.version) },
          { title: 'Aliases', cell: (v) => v.aliases.map((a) => `@${a}`).join(' ') || '—' },
          { title: 'Metrics', cell: (v) => Object.entries(v.metrics).map(([k, x]) => `${k}=${x}`).join(', ') || '—' },
          { title: 'Signature', cell: (v) => signature(v.signature) },
          {
            title: 'From',
            cell: (v) =>
              v.lineage?.jobName
                ? h('a', { href: `#/p/${encodeURIComponent(v.lineage.project)}/jobs/${encodeURIComponent(v.lineage.jobName)}` }, `job ${v.lineage.jobName}`)
                : `upload by ${v.lineage?.registeredBy ?? '—'}`,
          },
          { title: 'Description', class: 'why', cell: (v) => v.description || '' },
          { title: 'Registered', cell: (v) => time(v.createdAt) },
        ],
        versions,
        { key: (v) => String(v.version), label: 'Versions' },
      ),
    );
  }
  function moveForm(alias, version, numbers, resourceVersion) {
    return h(
      'form',
      {
        class: 'inline',
        'data-alias': alias,
        onsubmit: async (e) => {
          e.preventDefault();
          const to = Number(new FormData(e.target).get('version'));
          await setAlias(alias, to, resourceVersion);
        },
      },
      h('select', { name: 'version', 'aria-label': `Version for @${alias}` }, numbers.map((n) => h('option', { value: n, selected: n === version }, String(n)))),
      h('button', { type: 'submit' }, 'Move'),
    );
  }
  function newAlias(numbers) {
    return h(
      'form',
      {
        class: 'inline',
        id: 'new-alias',
        onsubmit: async (e) => {
          e.preventDefault();
          const f = new FormData(e.target);
          await setAlias(String(f.get('alias')).trim(), Number(f.get('version')), 0);
        },
      },
      h('label', {}, 'New alias @', h('input', { name: 'alias', required: true, size: 10 })),
      h('select', { name: 'version', 'aria-label': 'Version' }, numbers.map((n) => h('option', { value: n }, String(n)))),
      h('button', { type: 'submit' }, 'Add'),
    );
  }
  async function setAlias(alias, version, resourceVersion) {
    try {
      await api('PUT', `${base}/aliases/${encodeURIComponent(alias)}`, {
        body: { version },
        headers: resourceVersion === undefined || resourceVersion === null ? {} : { 'If-Match': `"${resourceVersion}"` },
      });
      await load();
    } catch (err) {
      window.alert(err.message);
    }
  }
  await load();
}

function signature(sig) {
  if (!sig) return '—';
  const fmt = (t) => `${t.name}: ${t.dtype}[${t.shape.map((d) => (d < 0 ? '?' : d)).join(',')}]`;
  return `${sig.inputs.map(fmt).join(', ')} → ${sig.outputs.map(fmt).join(', ')}`;
}
