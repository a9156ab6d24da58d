// The console's entry: who is signed in, the hash router (#/p/PROJECT/jobs?phase=Running: every
// page has a URL to share and the back button works), and the one layout around every page.
import { api, get, ApiError } from './api.js';
import { h, mount } from './dom.js';
import { signIn } from './pages/signin.js';
import { jobsPage } from './pages/jobs.js';
import { jobPage } from './pages/job.js';
import { newJobPage } from './pages/newjob.js';
import { jobFormPage } from './pages/jobform.js';
import { comparePage } from './pages/compare.js';
import { notebooksPage } from './pages/notebooks.js';
import { datasetsPage, datasetPage } from './pages/datasets.js';
import { experimentsPage, experimentPage } from './pages/experiments.js';
import { clusterPage } from './pages/cluster.js';
import { modelsPage, modelPage } from './pages/models.js';
import { servicesPage, servicePage } from './pages/services.js';
import { adminPage } from './pages/admin.js';

const ROLES = ['viewer', 'editor', 'admin'];

/**
 * The routes: a pattern of the hash's path and its page. Pages of a new feature (notebooks,
 * datasets, experiments) add a line here and a link in NAV.
 */
const ROUTES = [
  ['/p/:project/jobs', jobsPage],
  ['/p/:project/jobs/:job', jobPage],
  ['/p/:project/new', newJobPage],
  ['/p/:project/new/form', jobFormPage],
  ['/p/:project/compare', comparePage],
  ['/p/:project/notebooks', notebooksPage],
  ['/p/:project/datasets', datasetsPage],
  ['/p/:project/datasets/:dataset', datasetPage],
  ['/p/:project/experiments', experimentsPage],
  ['/p/:project/experiments/:experiment', experimentPage],
  ['/p/:project/models', modelsPage],
  ['/p/:project/models/:model', modelPage],
  ['/p/:project/services', servicesPage],
  ['/p/:project/services/:service', servicePage],
  ['/cluster', clusterPage],
  ['/admin', adminPage],
];

const NAV = [
  ['Jobs', (p) => `#/p/${enc(p)}/jobs`, 'jobs'],
  ['New job', (p) => `#/p/${enc(p)}/new`, 'new', 'editor'],
  ['Notebooks', (p) => `#/p/${enc(p)}/notebooks`, 'notebooks'],
  ['Datasets', (p) => `#/p/${enc(p)}/datasets`, 'datasets'],
  ['Experiments', (p) => `#/p/${enc(p)}/experiments`, 'experiments'],
  ['Models', (p) => `#/p/${enc(p)}/models`, 'models'],
  ['Services', (p) => `#/p/${enc(p)}/services`, 'services'],
  ['Queues & cluster', () => '#/cluster', 'cluster'],
  ['Admin', () => '#/admin', 'admin'],
];

/** The sections a project switch stays in; any other goes to the new project's jobs. */
const PROJECT_SECTIONS = ['notebooks', 'datasets', 'experiments', 'models', 'services', 'new'];

const enc = encodeURIComponent;
const root = document.getElementById('app');
let me = null;
let current = null;

/** The parsed hash: path segments and query. */
function location() {
  const hash = window.location.hash.slice(1) || '/';
  const [pathPart, queryPart] = hash.split('?');
  return { path: pathPart, query: new URLSearchParams(queryPart || '') };
}

function match(pattern, path) {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

/** The caller's role in project, or null when not a member (installation admins: admin). */
export function roleIn(project) {
  const membership = me.projects.find((m) => m.project === project);
  if (membership) return membership.role;
  return me.admin ? 'admin' : null;
}

function can(project, role) {
  const has = roleIn(project);
  return has !== null && ROLES.indexOf(has) >= ROLES.indexOf(role);
}

function defaultProject() {
  return localStorage.getItem('capstan.project') && me.projects.some((m) => m.project === localStorage.getItem('capstan.project'))
    ? localStorage.getItem('capstan.project')
    : me.projects[0]?.project;
}

/** Renders the page of the current hash inside the layout. */
async function route() {
  if (current) current.abort();
  const controller = new AbortController();
  current = controller;
  if (!me) {
    try {
      me = await get('/api/v1/whoami');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        return showSignIn();
      }
      return mount(root, h('p', { class: 'error' }, `The server did not answer: ${e.message}`));
    }
  }
  const { path, query } = location();
  if (path === '/' || path === '/signin') {
    const project = defaultProject();
    window.location.replace(project ? `#/p/${enc(project)}/jobs` : '#/cluster');
    return;
  }
  let page = notFound;
  let params = {};
  for (const [pattern, render] of ROUTES) {
    const found = match(pattern, path);
    if (found) {
      page = render;
      params = found;
      break;
    }
  }
  const project = params.project || defaultProject();
  if (params.project) {
    if (roleIn(params.project) === null) page = notFound;
    else localStorage.setItem('capstan.project', params.project);
  }
  const main = h('main', { id: 'main', tabindex: '-1' });
  mount(root, layout(project, path), main);
  const ctx = {
    me,
    params,
    query,
    project,
    main,
    signal: controller.signal,
    canEdit: (p = project) => can(p, 'editor'),
    canAdmin: (p = project) => can(p, 'admin'),
    /** Calls fn now and every ms until the page is left; errors show once at the top. */
    every(ms, fn) {
      let timer = null;
      const tick = async () => {
        if (controller.signal.aborted) return;
        try {
          await fn();
        } catch (e) {
          if (!controller.signal.aborted && !(e instanceof DOMException)) console.warn(e);
        }
        if (!controller.signal.aborted) timer = setTimeout(tick, document.hidden ? ms * 5 : ms);
      };
      controller.signal.addEventListener('abort', () => clearTimeout(timer));
      return tick();
    },
    /** A new URL for the same page, replacing the history entry (filters) or adding one. */
    setQuery(next, replace = true) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(next)) if (v !== '' && v !== null && v !== undefined) q.set(k, v);
      const hash = `#${path}${q.toString() ? `?${q}` : ''}`;
      if (replace) history.replaceState(null, '', hash);
      else history.pushState(null, '', hash);
    },
    notFound: () => notFound({ main }),
    title(text) {
      document.title = `${text} · Capstan`;
    },
  };
  try {
    await page(ctx);
  } catch (e) {
    if (controller.signal.aborted) return;
    if (e instanceof ApiError && e.status === 404) notFound(ctx);
    else mount(main, h('p', { class: 'error', role: 'alert' }, e.message));
  }
}

function layout(project, path) {
  const section = path.split('/')[3] || path.split('/')[1];
  const projects = me.projects.map((m) => m.project);
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: '#/' }, 'Capstan'),
    projects.length
      ? h(
          'label',
          { class: 'project' },
          h('span', { class: 'sr' }, 'Project'),
          h(
            'select',
            {
              id: 'project',
              onchange: (e) => {
                window.location.hash = `#/p/${enc(e.target.value)}/${PROJECT_SECTIONS.includes(section) ? section : 'jobs'}`;
              },
            },
            projects.map((p) => h('option', { value: p, selected: p === project }, p)),
          ),
        )
      : null,
    h(
      'nav',
      { 'aria-label': 'Main' },
      NAV.filter(([, , , role]) => !role || (project && can(project, role)))
        .filter(([, link]) => project || !link(null).includes('/p/'))
        .map(([label, link, id]) => h('a', { href: link(project), 'aria-current': id === section ? 'page' : undefined, 'data-nav': id }, label)),
    ),
    h(
      'span',
      { class: 'who' },
      h('span', { id: 'whoami' }, me.user),
      me.admin ? h('span', { class: 'tag' }, 'admin') : null,
      h('button', { type: 'button', class: 'link', id: 'signout', onclick: signOut }, 'Sign out'),
    ),
  );
}

function notFound(ctx) {
  mount(
    ctx.main,
    h(
      'section',
      { class: 'not-found', id: 'not-found' },
      h('h1', {}, 'Not found'),
      h('p', {}, 'There is nothing at this address, or you are not a member of its project.'),
      h('p', {}, h('a', { href: '#/' }, 'Back to your jobs')),
    ),
  );
  document.title = 'Not found · Capstan';
}

function showSignIn() {
  me = null;
  if (!['', '#/', '#/signin'].includes(window.location.hash)) {
    sessionStorage.setItem('capstan.returnTo', window.location.hash);
  }
  signIn(root, async () => {
    me = await get('/api/v1/whoami');
    const back = sessionStorage.getItem('capstan.returnTo');
    sessionStorage.removeItem('capstan.returnTo');
    if (back && back !== window.location.hash) window.location.hash = back;
    else route();
  });
}

async function signOut() {
  try {
    await api('POST', '/auth/logout');
  } finally {
    me = null;
    history.pushState(null, '', '#/signin');
    showSignIn();
  }
}

window.addEventListener('capstan:signed-out', () => {
  if (me) {
    me = null;
    showSignIn();
  }
});
window.addEventListener('hashchange', route);
// "/" focuses the page's search box, as on most consoles.
window.addEventListener('keydown', (e) => {
  if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName)) {
    const search = document.querySelector('[data-search]');
    if (search) {
      e.preventDefault();
      search.focus();
    }
  }
});
route();
