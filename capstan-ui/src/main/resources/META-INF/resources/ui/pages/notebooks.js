// Notebooks of a project: their state and why, Open (the control plane's Jupyter proxy, which
// the console's session cookie signs into), stop, start and delete, and a form that creates one.
// Only editors pass the proxy and may act, so a viewer sees the list alone.
import { api, get, path } from '../api.js';
import { h, mount, table, time, badge } from '../dom.js';
import { field, showError, clearErrors, list } from '../form.js';

const RUNNING = ['Pending', 'Starting', 'Running'];

export async function notebooksPage(ctx) {
  const { project } = ctx;
  ctx.title(`Notebooks of ${project}`);
  const base = path`/api/v1/projects/${project}/notebooks`;
  const listEl = h('section', { id: 'notebooks', 'aria-live': 'polite' });
  const message = h('p', { class: 'error', role: 'alert', id: 'notebook-action-error' });
  mount(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Notebooks'), h('span', { class: 'hint' }, 'Jupyter with the project\'s quota, a kept workspace and read-only datasets')),
    listEl,
    message,
    ctx.canEdit() ? createForm() : null,
  );

  let shown = '';
  async function load() {
    const notebooks = await get(base, { signal: ctx.signal });
    const text = JSON.stringify(notebooks);
    if (text === shown) return;
    shown = text;
    render(notebooks);
  }

  function render(notebooks) {
    const edit = ctx.canEdit();
    mount(
      listEl,
      table(
        [
          { title: 'Notebook', cell: (n) => n.name },
          { title: 'State', cell: (n) => h('span', { class: 'state' }, badge(n.phase)) },
          { title: 'Why', class: 'why', cell: (n) => n.message || n.reason || '' },
          { title: 'Resources', cell: (n) => resources(n.spec) },
          { title: 'Image', cell: (n) => n.spec.image },
          { title: 'Datasets', cell: (n) => n.spec.datasets.join(', ') || '—' },
          { title: 'Created', cell: (n) => [time(n.createdAt), ' by ', n.createdBy] },
          { title: 'Last activity', cell: (n) => time(n.lastActivity) },
          ...(edit ? [{ title: 'Actions', cell: actions }] : []),
        ],
        notebooks,
        { key: (n) => n.name, label: 'Notebooks', empty: edit ? 'No notebooks yet: create one below.' : 'No notebooks yet.' },
      ),
    );
  }

  function actions(n) {
    const at = `${base}/${encodeURIComponent(n.name)}`;
    return h(
      'span',
      { class: 'actions' },
      n.phase === 'Running' ? h('a', { class: 'button primary open', href: n.path, target: '_blank', rel: 'noopener' }, 'Open') : null,
      RUNNING.includes(n.phase) ? h('button', { type: 'button', class: 'stop', onclick: act('POST', `${at}/stop`) }, 'Stop') : null,
      ['Stopped', 'Failed'].includes(n.phase) ? h('button', { type: 'button', class: 'start', onclick: act('POST', `${at}/start`) }, 'Start') : null,
      n.phase === 'Deleting'
        ? null
        : h('button', { type: 'button', class: 'danger delete', onclick: act('DELETE', at, `Delete notebook ${n.name} and its workspace?`) }, 'Delete'),
    );
  }

  function act(method, url, question) {
    return async () => {
      if (question && !window.confirm(question)) return;
      message.textContent = '';
      try {
        await api(method, url);
        await load();
      } catch (err) {
        message.textContent = err.message;
      }
    };
  }

  function createForm() {
    const general = h('p', { class: 'error', role: 'alert', id: 'notebook-error' });
    const form = h(
      'form',
      { class: 'fields', id: 'new-notebook', onsubmit: create, novalidate: true },
      h('h2', {}, 'New notebook'),
      field('Name', { name: 'name', required: true, size: 20, placeholder: 'lab' }),
      field('Image', { name: 'image', size: 28, placeholder: 'pytorch/pytorch:latest' }, 'an environment on one machine'),
      field('CPU', { name: 'cpu', value: '1', size: 6 }),
      field('Memory', { name: 'memory', value: '2Gi', size: 6 }),
      field('GPUs', { name: 'gpus', type: 'number', min: 0, value: 0, size: 4 }),
      field('Datasets', { name: 'datasets', size: 36, placeholder: 'imagenet-mini@3, vision/coco@1:/data/coco' }, 'NAME@VERSION[:PATH], read-only'),
      field('Stop when idle for (minutes)', { name: 'cull', type: 'number', min: 0, size: 6 }, 'empty: the project\'s setting; 0: never'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'create-notebook' }, 'Create')),
      general,
    );
    const fields = [['name', 'name'], ['image', 'image'], ['cpu', 'cpu'], ['memory', 'memory'], ['gpus', 'gpus'], ['datasets', 'datasets'], ['cullAfterSeconds', 'cull']];
    async function create(e) {
      e.preventDefault();
      const f = new FormData(form);
      const text = (k) => String(f.get(k) || '').trim();
      const cull = text('cull');
      const spec = {
        name: text('name'),
        image: text('image') || null,
        cpu: text('cpu') || null,
        memory: text('memory') || null,
        gpus: Number(text('gpus') || 0),
        datasets: list(text('datasets')),
        cullAfterSeconds: cull === '' ? null : Math.round(Number(cull) * 60),
      };
      clearErrors(form, general);
      try {
        await api('POST', base, { body: spec });
        form.reset();
        await load();
      } catch (err) {
        showError(form, err, fields, general);
      }
    }
    return form;
  }

  await ctx.every(2000, load);
}

function resources(spec) {
  return `${spec.cpu} CPU, ${spec.memory}${spec.gpus ? `, ${spec.gpus} GPU${spec.gpus === 1 ? '' : 's'}` : ''}`;
}
