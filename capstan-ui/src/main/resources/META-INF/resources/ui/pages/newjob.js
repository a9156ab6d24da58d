// A new job from YAML (any kind `capstan submit` takes): a refused spec's error shows at the line
// of the field it names; a resubmit starts from the text another job was submitted as, and "Edit as
// YAML" on the form page from the form's text.
import { api, get, path } from '../api.js';
import { h, mount } from '../dom.js';
import { lineOfField } from '../yamlfield.js';
import { tabs } from './jobform.js';

const LINE = 20; // px: the editor's line height, fixed so an error can sit at its line

const TEMPLATE = `# A 2-rank PyTorch DDP job in Capstan's own format (see examples/).
apiVersion: capstan.io/v1
kind: TrainingJob
metadata:
  name: pytorch-ddp
spec:
  framework: pytorch
  restartPolicy: OnFailure
  backoffLimit: 3
  replicas:
    - role: worker
      count: 2
      image: capstan/examples:latest
      command: [python3, /examples/pytorch-ddp/train.py]
      args: ["--epochs", "5"]
      resources: {cpu: "1", memory: 1Gi}
`;

export async function newJobPage(ctx) {
  const { project, query } = ctx;
  ctx.title(`New job in ${project}`);
  if (!ctx.canEdit()) return ctx.notFound();
  let text = TEMPLATE;
  const from = query.get('from');
  if (query.get('draft') && sessionStorage.getItem('capstan.draft')) {
    text = sessionStorage.getItem('capstan.draft');
  } else if (from) {
    try {
      text = await get(path`/api/v1/projects/${project}/jobs/${from}/spec`, { signal: ctx.signal });
    } catch (e) {
      text = `# Job ${from} has no spec as submitted (${e.message})\n${TEMPLATE}`;
    }
  }
  const editor = h('textarea', {
    id: 'yaml',
    class: 'editor',
    spellcheck: false,
    wrap: 'off',
    rows: Math.max(20, text.split('\n').length + 2),
    'aria-label': 'Job spec (YAML)',
    value: text,
    onscroll: () => place(),
    oninput: () => clear(),
  });
  const band = h('div', { class: 'error-band', hidden: true });
  const marker = h('div', { class: 'field-error', id: 'field-error', role: 'alert', hidden: true });
  const general = h('p', { class: 'error', id: 'submit-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'submit' }, 'Submit');
  let errorLine = -1;
  mount(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', {}, 'New job'), tabs(project, 'yaml'), h('span', { class: 'hint' }, 'TrainingJob, PyTorchJob, TFJob, TrainJob, MPIJob or batch/v1 Job, as YAML or JSON')),
    h(
      'form',
      { onsubmit: send },
      h('div', { class: 'editor-wrap' }, editor, band, marker),
      general,
      h('div', { class: 'actions' }, submit, h('span', { class: 'hint' }, 'Ctrl+Enter submits')),
    ),
  );
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e);
  });
  editor.focus();

  async function send(e) {
    e.preventDefault();
    clear();
    submit.disabled = true;
    try {
      const done = await api('POST', path`/api/v1/projects/${project}/jobs`, { body: editor.value, type: 'application/yaml' });
      window.location.hash = `#/p/${encodeURIComponent(project)}/jobs/${encodeURIComponent(done.name)}`;
    } catch (err) {
      show(err);
    } finally {
      submit.disabled = false;
    }
  }

  function show(err) {
    errorLine = lineOfField(editor.value, err.field);
    if (errorLine < 0) {
      general.textContent = err.field ? `${err.field}: ${err.message}` : err.message;
      return;
    }
    marker.textContent = `${err.field}: ${err.message}`;
    marker.dataset.field = err.field;
    marker.dataset.line = String(errorLine + 1);
    marker.hidden = false;
    band.hidden = false;
    editor.setAttribute('aria-invalid', 'true');
    editor.setAttribute('aria-describedby', 'field-error');
    place();
  }

  function place() {
    if (errorLine < 0) return;
    const top = 8 + errorLine * LINE - editor.scrollTop;
    band.style.top = `${top}px`;
    marker.style.top = `${top + LINE}px`;
  }

  function clear() {
    errorLine = -1;
    marker.hidden = true;
    band.hidden = true;
    general.textContent = '';
    editor.removeAttribute('aria-invalid');
  }
}
