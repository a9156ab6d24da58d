// Queues and cluster: each visible project's quota and usage as bars (admins set quotas here),
// the nodes with their GPUs and who holds them (as `capstan top`), and the waiting jobs in order
// with their reasons.
import { api, get, path } from '../api.js';
import { h, mount, table, bar, time } from '../dom.js';
import { quantity, bytes } from '../quantity.js';

export async function clusterPage(ctx) {
  ctx.title('Queues & cluster');
  const queues = h('section', { id: 'queues' });
  const nodes = h('section', { id: 'nodes' });
  const waiting = h('section', { id: 'waiting' });
  mount(ctx.main, h('h1', {}, 'Queues & cluster'), h('h2', {}, 'Quotas and usage'), queues, h('h2', {}, 'Nodes'), nodes, h('h2', {}, 'Waiting jobs'), waiting);
  let editing = false;
  let shown = '';
  await ctx.every(3000, async () => {
    const [qs, top] = await Promise.all([get('/api/v1/queues', { signal: ctx.signal }), get('/api/v1/top', { signal: ctx.signal })]);
    // Redrawn only when they changed, and never under a quota being typed.
    if (!editing && JSON.stringify(qs) !== shown) {
      shown = JSON.stringify(qs);
      renderQueues(qs);
    }
    renderNodes(top);
    await renderWaiting(qs.map((q) => q.project));
  });

  function renderQueues(qs) {
    mount(
      queues,
      qs.length
        ? qs.map((q) =>
            h(
              'article',
              { class: 'queue', 'data-key': q.project },
              h('h3', {}, q.project, ' ', h('span', { class: 'hint' }, `${q.running} running · ${q.pending} waiting · weight ${q.quota?.weight ?? 1}`)),
              usageBars(q.quota?.nominal, q.usage),
              limits(q.quota),
              ctx.me.admin ? quotaForm(q) : null,
            ),
          )
        : h('p', { class: 'empty' }, 'No queues.'),
    );
  }

  function quotaForm(q) {
    const n = q.quota?.nominal || {};
    const field = (name, value) => h('label', {}, `${name} `, h('input', { name, value: value ?? '', size: 6 }));
    const message = h('span', { class: 'error', role: 'alert' });
    return h(
      'form',
      {
        class: 'quota-form',
        'data-project': q.project,
        onfocusin: () => (editing = true),
        onsubmit: async (e) => {
          e.preventDefault();
          const f = new FormData(e.target);
          const nominal = { cpu: f.get('cpu') || null, memory: f.get('memory') || null, gpu: f.get('gpu') || null };
          const borrow = f.get('borrow-gpu');
          const borrowingLimit = borrow === '' ? q.quota?.borrowingLimit ?? null : { gpu: borrow };
          try {
            await api('PUT', path`/api/v1/projects/${q.project}/quota`, {
              body: { ...q.quota, nominal, borrowingLimit },
              headers: q.resourceVersion ? { 'If-Match': `"${q.resourceVersion}"` } : {},
            });
            editing = false;
            message.textContent = '';
          } catch (err) {
            message.textContent = err.field ? `${err.field}: ${err.message}` : err.message;
          }
        },
      },
      field('gpu', n.gpu),
      field('cpu', n.cpu),
      field('memory', n.memory),
      field('borrow-gpu', quantity(q.quota?.borrowingLimit?.gpu) < 1e15 ? q.quota?.borrowingLimit?.gpu : ''),
      h('button', { type: 'submit' }, 'Set quota'),
      message,
    );
  }

  function renderNodes(top) {
    mount(
      nodes,
      usageBars(top.capacity, top.allocated, 'Cluster'),
      table(
        [
          { title: 'Node', cell: (n) => n.name },
          { title: 'CPU free', class: 'num', cell: (n) => `${n.free?.cpu ?? '—'} of ${n.capacity?.cpu ?? '—'}` },
          { title: 'Memory free', class: 'num', cell: (n) => `${n.free?.memory ?? '—'} of ${n.capacity?.memory ?? '—'}` },
          {
            title: 'GPUs',
            cell: (n) =>
              n.gpus.length
                ? h('ul', { class: 'gpus' }, n.gpus.map((g) => h('li', {}, `${g.index} ${g.model || ''}: `, g.heldBy ? h('strong', {}, g.heldBy) : 'free')))
                : 'none',
          },
        ],
        top.nodes,
        { key: (n) => n.name, label: 'Nodes' },
      ),
      top.runtime?.length ? h('ul', { class: 'hint' }, top.runtime.map((r) => h('li', {}, r))) : null,
    );
  }

  async function renderWaiting(projects) {
    const lists = await Promise.all(
      projects.map((p) => get(`${path`/api/v1/projects/${p}/jobs`}?phase=Queued&order=oldest&limit=20`, { signal: ctx.signal })),
    );
    const rows = lists.flat().sort((a, b) => new Date(a.status.createdAt) - new Date(b.status.createdAt));
    mount(
      waiting,
      table(
        [
          { title: 'Job', cell: (j) => h('a', { href: `#/p/${encodeURIComponent(j.project)}/jobs/${encodeURIComponent(j.name)}` }, j.name) },
          { title: 'Project', cell: (j) => j.project },
          { title: 'Waiting since', cell: (j) => time(j.status.createdAt) },
          { title: 'Why', class: 'why', cell: (j) => j.status.message || j.status.reason },
        ],
        rows,
        { key: (j) => `${j.project}/${j.name}`, label: 'Waiting jobs', empty: 'No job is waiting.' },
      ),
    );
  }
}

function usageBars(nominal, usage, label) {
  const n = nominal || {};
  const u = usage || {};
  return h(
    'div',
    { class: 'bars', 'aria-label': label },
    bar('GPUs', quantity(u.gpu), quantity(n.gpu), `${u.gpu || 0} of ${n.gpu ?? '—'}`),
    bar('CPU', quantity(u.cpu), quantity(n.cpu), `${u.cpu || 0} of ${n.cpu ?? '—'}`),
    bar('Memory', quantity(u.memory), quantity(n.memory), `${bytes(quantity(u.memory))} of ${n.memory ?? '—'}`),
  );
}

function limits(quota) {
  if (!quota) return null;
  // No limit comes back as the largest quantity there is: left out.
  const fmt = (q) => (q ? ['gpu', 'cpu', 'memory'].filter((k) => q[k] && quantity(q[k]) < 1e15).map((k) => `${k} ${q[k]}`).join(', ') : '');
  const borrow = fmt(quota.borrowingLimit);
  const lend = fmt(quota.lendingLimit);
  return borrow || lend
    ? h('p', { class: 'hint' }, borrow ? `May borrow up to ${borrow}. ` : '', lend ? `Lends at most ${lend}.` : '')
    : null;
}
