// A new job from a form, as `capstan submit pytorchjob` builds one: name, image, command, workers,
// GPUs/CPU/memory per worker, environment, restart policy and datasets become the same TrainingJob
// YAML (shown as it is typed, and editable on the YAML page); the server checks it, and a refused
// field's error shows at the input that set it.
import { api, path } from '../api.js';
import { h, mount } from '../dom.js';
import { field, showError, clearErrors, pairs, list } from '../form.js';

const FIELDS = [
  ['metadata.name', 'name'],
  ['metadata', 'name'],
  ['spec.restartPolicy', 'restart'],
  ['spec.datasets', 'datasets'],
  ['spec.replicas', 'workers'],
  ['spec.replicas[0].count', 'workers'],
  ['spec.replicas[0].image', 'image'],
  ['spec.replicas[0].command', 'command'],
  ['spec.replicas[0].env', 'env'],
  ['env', 'env'],
  ['spec.replicas[0].resources', 'cpu'],
  ['spec.replicas[0].resources.cpu', 'cpu'],
  ['spec.replicas[0].resources.memory', 'memory'],
  ['spec.replicas[0].resources.gpu', 'gpus'],
];

export async function jobFormPage(ctx) {
  const { project } = ctx;
  ctx.title(`New job in ${project}`);
  if (!ctx.canEdit()) return ctx.notFound();
  const preview = h('pre', { class: 'spec', id: 'form-yaml', 'aria-label': 'The job as YAML' });
  const general = h('p', { class: 'error', role: 'alert', id: 'submit-error' });
  const form = h(
    'form',
    { class: 'fields', id: 'job-form', novalidate: true, oninput: () => draw(), onsubmit: send },
    field('Name', { name: 'name', size: 24, placeholder: 'generated: pytorchjob-…' }),
    field('Image', { name: 'image', size: 28, placeholder: 'server default' }, 'an environment on one machine'),
    field('Command', { name: 'command', size: 60, required: true, placeholder: 'python3 train.py --epochs 5' }, 'run as sh -c COMMAND in every worker'),
    field('Workers', { name: 'workers', type: 'number', value: 1, min: 1, size: 4 }),
    field('GPUs per worker', { name: 'gpus', type: 'number', value: 0, min: 0, size: 4 }),
    field('CPU per worker', { name: 'cpu', value: '1', size: 6 }),
    field('Memory per worker', { name: 'memory', value: '1Gi', size: 6 }),
    field('Environment', { name: 'env', rows: 3, cols: 40, placeholder: 'KEY=VALUE, one a line' }),
    field('Restart policy', { name: 'restart', value: 'OnFailure', options: ['OnFailure', 'Never', 'ExitCode'] }),
    field('Datasets', { name: 'datasets', size: 36, placeholder: 'imagenet-mini@3:/data/imagenet' }, 'NAME@VERSION[:PATH], read-only'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'submit' }, 'Submit'),
      h('button', { type: 'button', id: 'edit-yaml', onclick: editAsYaml }, 'Edit as YAML'),
    ),
    general,
  );
  mount(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', {}, 'New job'), tabs(project, 'form')),
    h('div', { class: 'two' }, form, h('div', {}, h('h2', {}, 'As YAML'), preview)),
  );
  form.elements.command.focus();
  draw();

  function yaml() {
    const v = (k) => String(form.elements[k].value).trim();
    return trainingJob(v('name'), v('image'), v('command'), v('workers'), v('gpus'), v('cpu'), v('memory'), pairs(form.elements.env.value, 'env'), v('restart'), list(v('datasets')));
  }

  function draw() {
    try {
      preview.textContent = yaml();
    } catch (e) {
      preview.textContent = `# ${e.message}`;
    }
  }

  function editAsYaml() {
    try {
      sessionStorage.setItem('capstan.draft', yaml());
      window.location.hash = `#/p/${encodeURIComponent(project)}/new?draft=1`;
    } catch (err) {
      showError(form, err, FIELDS, general);
    }
  }

  async function send(e) {
    e.preventDefault();
    clearErrors(form, general);
    const submit = form.elements.submit;
    submit.disabled = true;
    try {
      const done = await api('POST', path`/api/v1/projects/${project}/jobs`, { body: yaml(), type: 'application/yaml' });
      window.location.hash = `#/p/${encodeURIComponent(project)}/jobs/${encodeURIComponent(done.name)}`;
    } catch (err) {
      showError(form, err, FIELDS, general);
    } finally {
      submit.disabled = false;
    }
  }
}

/** The YAML and form pages' switch. */
export function tabs(project, current) {
  const at = `#/p/${encodeURIComponent(project)}/new`;
  return h(
    'nav',
    { class: 'tabs', 'aria-label': 'New job as' },
    h('a', { href: at, 'aria-current': current === 'yaml' ? 'page' : undefined, id: 'tab-yaml' }, 'YAML'),
    h('a', { href: `${at}/form`, 'aria-current': current === 'form' ? 'page' : undefined, id: 'tab-form' }, 'Form'),
  );
}

/** The TrainingJob document `capstan submit pytorchjob` would build, as YAML text. */
function trainingJob(name, image, command, workers, gpus, cpu, memory, env, restart, datasets) {
  const q = JSON.stringify; // a JSON string is a YAML double-quoted scalar
  const n = (x) => (/^-?\d+$/.test(x) ? x : q(x));
  const lines = ['apiVersion: capstan.io/v1', 'kind: TrainingJob', 'metadata:', name ? `  name: ${q(name)}` : '  generateName: pytorchjob-', 'spec:', '  framework: pytorch', `  restartPolicy: ${restart}`];
  if (datasets.length) lines.push(`  datasets: [${datasets.map(q).join(', ')}]`);
  lines.push('  replicas:', '    - role: worker', `      count: ${n(workers)}`);
  if (image) lines.push(`      image: ${q(image)}`);
  lines.push(`      command: ${command ? `["sh", "-c", ${q(command)}]` : '[]'}`);
  if (Object.keys(env).length) lines.push(`      env: {${Object.entries(env).map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ')}}`);
  lines.push(`      resources: {cpu: ${q(cpu)}, memory: ${q(memory)}, gpu: ${n(gpus)}}`);
  return `${lines.join('\n')}\n`;
}
