// Katib Experiments of a project: the list (algorithm, phase, trials, best objective) with a form
// that takes an Experiment's YAML as `capstan experiment create -f` does; and one experiment's page:
// its phase and why, the best trial with the command that registers its model, the objective of
// every trial with the best so far, a parallel-coordinates view of the parameters against the
// objective, and the trials table. Stop, resume and delete for editors.
import { api, get, path } from '../api.js';
import { h, mount, table, time, badge, chart } from '../dom.js';

const ACTIVE = ['Created', 'Running'];

export async function experimentsPage(ctx) {
  const { project } = ctx;
  ctx.title(`Experiments of ${project}`);
  const base = path`/api/v1/projects/${project}/experiments`;
  const listEl = h('section', { id: 'experiments', 'aria-live': 'polite' });
  mount(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Experiments'), h('span', { class: 'hint' }, 'Katib Experiments (kubeflow.org/v1beta1), unchanged')),
    listEl,
    ctx.canEdit() ? createForm(ctx, base) : null,
  );
  let shown = '';
  await ctx.every(3000, async () => {
    const experiments = await get(base, { signal: ctx.signal });
    const text = JSON.stringify(experiments);
    if (text === shown) return;
    shown = text;
    mount(
      listEl,
      table(
        [
          { title: 'Experiment', cell: (e) => h('a', { href: `#/p/${encodeURIComponent(project)}/experiments/${encodeURIComponent(e.name)}` }, e.name) },
          { title: 'Algorithm', cell: (e) => e.algorithm },
          { title: 'Phase', cell: (e) => badge(e.phase) },
          { title: 'Why', class: 'why', cell: (e) => e.message || e.reason || '' },
          { title: 'Trials', class: 'num', cell: (e) => counts(e) },
          { title: 'Objective', cell: (e) => `${e.objective.type} ${e.objective.objectiveMetricName}` },
          { title: 'Best', class: 'num', cell: (e) => (e.bestTrial ? number(e.bestTrial.objective) : '—') },
          { title: 'Created', cell: (e) => [time(e.createdAt), ' by ', e.createdBy || '—'] },
        ],
        experiments,
        { key: (e) => e.name, label: 'Experiments', empty: 'No experiments yet.' },
      ),
    );
  });
}

function createForm(ctx, base) {
  const editor = h('textarea', { id: 'experiment-yaml', class: 'editor', rows: 14, spellcheck: false, wrap: 'off', 'aria-label': 'Experiment (YAML)', placeholder: 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\n...' });
  const error = h('p', { class: 'error', role: 'alert', id: 'experiment-error' });
  const form = h(
    'form',
    { class: 'fields', id: 'new-experiment', onsubmit: create },
    h('h2', {}, 'New experiment'),
    h('p', { class: 'hint' }, 'Paste a Katib Experiment, as ', h('code', {}, 'capstan experiment create -f FILE'), ' takes it (see examples/katib-random.yaml).'),
    editor,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'create-experiment' }, 'Create')),
    error,
  );
  async function create(e) {
    e.preventDefault();
    error.textContent = '';
    try {
      const created = await api('POST', base, { body: editor.value, type: 'application/yaml' });
      location.hash = `#/p/${encodeURIComponent(ctx.project)}/experiments/${encodeURIComponent(created.name)}`;
    } catch (err) {
      error.textContent = err.field ? `${err.field}: ${err.message}` : err.message;
    }
  }
  return form;
}

export async function experimentPage(ctx) {
  const { project, params } = ctx;
  const base = path`/api/v1/projects/${project}/experiments/${params.experiment}`;
  ctx.title(params.experiment);
  const head = h('section', { id: 'experiment' });
  const charts = h('section', { id: 'experiment-charts', class: 'charts' });
  const trialsEl = h('section', { id: 'trials' });
  const message = h('p', { class: 'error', role: 'alert', id: 'experiment-action-error' });
  mount(
    ctx.main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/p/${encodeURIComponent(project)}/experiments` }, 'Experiments'), ' / ', params.experiment),
    head,
    message,
    h('h2', {}, 'Objective'),
    charts,
    h('h2', {}, 'Trials'),
    trialsEl,
  );
  let shown = '';
  async function load() {
    const [experiment, trials] = await Promise.all([get(base, { signal: ctx.signal }), get(`${base}/trials`, { signal: ctx.signal })]);
    const text = JSON.stringify([experiment, trials]);
    if (text === shown) return;
    shown = text;
    render(experiment, trials);
  }

  function render(e, trials) {
    const jobs = `#/p/${encodeURIComponent(project)}/jobs/`;
    mount(
      head,
      h('h1', {}, e.name, ' ', h('span', { id: 'phase' }, badge(e.phase))),
      h('p', { id: 'why' }, e.message || e.reason || ''),
      h(
        'dl',
        { class: 'facts' },
        fact('Algorithm', e.algorithm),
        fact('Objective', `${e.objective.type} ${e.objective.objectiveMetricName}${e.objective.goal == null ? '' : `, goal ${e.objective.goal}`}`),
        fact('Trials', `${counts(e)}; ${e.parallelTrialCount} at a time, at most ${e.maxTrialCount ?? 'unbounded'}`),
        fact(
          'Best trial',
          e.bestTrial
            ? h('span', { id: 'best' }, h('a', { href: jobs + encodeURIComponent(e.bestTrial.job) }, e.bestTrial.name), ` ${e.objective.objectiveMetricName}=${number(e.bestTrial.objective)} with `, assignments(e.bestTrial))
            : '—',
        ),
      ),
      e.bestTrial
        ? h('p', { class: 'hint' }, 'Register its model: ', h('code', { id: 'register' }, `capstan model register ${e.name} --from-job ${e.bestTrial.job} --path model.onnx`))
        : null,
      ctx.canEdit() ? actions(e) : null,
    );
    mount(charts, objectiveChart(e, trials), parallelCoordinates(e, trials));
    const names = Object.keys(trials[0]?.assignments || {});
    mount(
      trialsEl,
      table(
        [
          { title: '#', class: 'num', cell: (t) => String(t.index) },
          { title: 'Trial', cell: (t) => h('a', { href: jobs + encodeURIComponent(t.job) }, t.name) },
          { title: 'Phase', cell: (t) => badge(t.phase) },
          ...names.map((n) => ({ title: n, class: 'num', cell: (t) => t.assignments[n] })),
          { title: e.objective.objectiveMetricName, class: 'num objective', cell: (t) => (t.objective == null ? '—' : number(t.objective)) },
          { title: 'Why', class: 'why', cell: (t) => t.message || '' },
        ],
        trials,
        { key: (t) => t.name, label: 'Trials', empty: 'No trials yet.' },
      ),
    );
  }

  function actions(e) {
    return h(
      'p',
      { class: 'actions' },
      ACTIVE.includes(e.phase) ? h('button', { type: 'button', id: 'stop', onclick: act('POST', `${base}/stop`) }, 'Stop') : null,
      e.phase === 'Stopped' ? h('button', { type: 'button', id: 'resume', onclick: act('POST', `${base}/resume`) }, 'Resume') : null,
      h('button', { type: 'button', class: 'danger', id: 'delete', onclick: act('DELETE', base, `Delete experiment ${e.name} and its trials' jobs?`) }, 'Delete'),
    );
  }

  function act(method, url, question) {
    return async () => {
      if (question && !window.confirm(question)) return;
      message.textContent = '';
      try {
        await api(method, url);
        if (method === 'DELETE') location.hash = `#/p/${encodeURIComponent(project)}/experiments`;
        else await load();
      } catch (err) {
        message.textContent = err.message;
      }
    };
  }

  await ctx.every(3000, load);
}

/** Each trial's objective by trial index, and the best so far (by the objective's direction). */
function objectiveChart(e, trials) {
  const done = trials.filter((t) => t.objective != null).sort((a, b) => a.index - b.index);
  const better = e.objective.type === 'maximize' ? Math.max : Math.min;
  let best = null;
  const bestSoFar = done.map((t) => {
    best = best == null ? t.objective : better(best, t.objective);
    return [t.index, best];
  });
  return chart(
    `${e.objective.objectiveMetricName} of each trial`,
    [
      { name: 'trial', points: done.map((t) => [t.index, t.objective]) },
      { name: 'best so far', points: bestSoFar },
    ],
    { id: 'objective-chart', xLabel: (x) => `trial ${x}` },
  );
}

/**
 * Parallel coordinates: one vertical axis per parameter and one for the objective, each trial a
 * line through its values (numbers scaled to their axis, categories spread evenly), the best trial
 * drawn last and marked.
 */
function parallelCoordinates(e, trials) {
  const done = trials.filter((t) => t.objective != null);
  const names = Object.keys(trials[0]?.assignments || {});
  const axes = [...names, e.objective.objectiveMetricName];
  const figure = h('figure', { class: 'chart', id: 'parallel-chart', 'data-lines': done.length }, h('figcaption', {}, 'Parameters and objective'));
  if (!done.length || !names.length) {
    figure.append(h('p', { class: 'empty' }, 'No finished trial yet.'));
    return figure;
  }
  const value = (t, a) => (a === e.objective.objectiveMetricName ? t.objective : t.assignments[a]);
  const scales = axes.map((a) => scale(done.map((t) => value(t, a))));
  const width = 560;
  const height = 200;
  const pad = { l: 30, r: 30, t: 16, b: 22 };
  const X = (i) => pad.l + (axes.length === 1 ? 0.5 : i / (axes.length - 1)) * (width - pad.l - pad.r);
  const Y = (f) => height - pad.b - f * (height - pad.t - pad.b);
  const NS = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs, text) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text != null) el.textContent = text;
    return el;
  };
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Parameters and objective of each trial', class: 'chart-svg' });
  axes.forEach((a, i) => {
    svg.append(s('line', { x1: X(i), y1: Y(0), x2: X(i), y2: Y(1), class: 'axis' }), s('text', { x: X(i), y: height - 6, 'text-anchor': 'middle', class: 'tick' }, a));
  });
  const best = e.bestTrial?.name;
  const ordered = [...done].sort((a, b) => (a.name === best) - (b.name === best));
  for (const t of ordered) {
    const d = axes.map((a, i) => `${i ? 'L' : 'M'}${X(i).toFixed(1)},${Y(scales[i](value(t, a))).toFixed(1)}`).join('');
    svg.append(s('path', { d, class: t.name === best ? 'line line-1 best' : 'line line-0', 'data-trial': t.name }));
  }
  figure.append(svg);
  return figure;
}

/** Maps the values of one axis to 0..1: numbers linearly, anything else by its sorted place. */
function scale(values) {
  const numbers = values.map(Number);
  if (numbers.every((n) => Number.isFinite(n))) {
    const [lo, hi] = [Math.min(...numbers), Math.max(...numbers)];
    return (v) => (hi === lo ? 0.5 : (Number(v) - lo) / (hi - lo));
  }
  const levels = [...new Set(values.map(String))].sort();
  return (v) => (levels.length === 1 ? 0.5 : levels.indexOf(String(v)) / (levels.length - 1));
}

function counts(e) {
  const c = e.trials;
  const parts = [`${c.succeeded} succeeded`];
  if (c.running + c.pending) parts.push(`${c.running + c.pending} running`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.earlyStopped) parts.push(`${c.earlyStopped} stopped early`);
  return `${c.total} (${parts.join(', ')})`;
}

function assignments(t) {
  return Object.entries(t.assignments)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

function number(n) {
  return n == null ? '—' : Number(n.toPrecision(4)).toString();
}

function fact(term, detail) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, detail));
}
