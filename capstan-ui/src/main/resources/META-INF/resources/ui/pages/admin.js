// Admin: users (installation admins), projects with their members and roles (project admins
// change them), and the caller's API tokens: a new token's secret is shown once, here.
import { api, get, path } from '../api.js';
import { h, mount, table, time } from '../dom.js';

const ROLES = ['viewer', 'editor', 'admin'];

export async function adminPage(ctx) {
  ctx.title('Admin');
  const users = h('section', { id: 'users' });
  const projects = h('section', { id: 'projects' });
  const tokens = h('section', { id: 'tokens' });
  mount(
    ctx.main,
    h('h1', {}, 'Admin'),
    ctx.me.admin ? [h('h2', {}, 'Users'), users] : null,
    h('h2', {}, 'Projects and members'),
    projects,
    h('h2', {}, 'Your API tokens'),
    tokens,
  );
  const failure = (el) => (err) => (el.textContent = err.field ? `${err.field}: ${err.message}` : err.message);

  async function loadUsers() {
    const list = await get('/api/v1/users', { signal: ctx.signal });
    const error = h('span', { class: 'error', role: 'alert' });
    mount(
      users,
      table(
        [
          { title: 'User', cell: (u) => u.name },
          { title: 'Installation admin', cell: (u) => (u.admin ? 'yes' : 'no') },
          { title: 'Created', cell: (u) => time(u.createdAt) },
        ],
        list,
        { key: (u) => u.name, label: 'Users' },
      ),
      h(
        'form',
        {
          class: 'inline',
          id: 'new-user',
          onsubmit: (e) => {
            e.preventDefault();
            const f = new FormData(e.target);
            api('POST', '/api/v1/users', { body: { name: f.get('name'), admin: f.get('admin') === 'on' } }).then(loadUsers, failure(error));
          },
        },
        h('label', {}, 'New user ', h('input', { name: 'name', required: true, size: 12 })),
        h('label', {}, h('input', { type: 'checkbox', name: 'admin' }), ' installation admin'),
        h('button', { type: 'submit' }, 'Create user'),
        error,
      ),
    );
  }

  async function loadProjects() {
    const mine = await get('/api/v1/projects', { signal: ctx.signal });
    const views = await Promise.all(mine.map((p) => get(path`/api/v1/projects/${p.name}`, { signal: ctx.signal })));
    const error = h('span', { class: 'error', role: 'alert' });
    mount(
      projects,
      views.map((p) => projectCard(p)),
      h(
        'form',
        {
          class: 'inline',
          id: 'new-project',
          onsubmit: (e) => {
            e.preventDefault();
            const f = new FormData(e.target);
            api('POST', '/api/v1/projects', { body: { name: f.get('name'), description: f.get('description') } }).then(
              () => window.location.reload(),
              failure(error),
            );
          },
        },
        h('label', {}, 'New project ', h('input', { name: 'name', required: true, size: 12 })),
        h('label', {}, 'Description ', h('input', { name: 'description', size: 20 })),
        h('button', { type: 'submit' }, 'Create project'),
        error,
      ),
    );
  }

  function projectCard(p) {
    const admin = ctx.canAdmin(p.name);
    const error = h('span', { class: 'error', role: 'alert' });
    const base = path`/api/v1/projects/${p.name}/members`;
    return h(
      'article',
      { class: 'card', 'data-key': p.name },
      h('h3', {}, p.name, ' ', h('span', { class: 'hint' }, p.description || '')),
      table(
        [
          { title: 'Member', cell: (m) => m.user },
          {
            title: 'Role',
            cell: (m) =>
              admin
                ? h(
                    'select',
                    {
                      'aria-label': `Role of ${m.user}`,
                      onchange: (e) => api('PUT', base, { body: { user: m.user, role: e.target.value } }).then(loadProjects, failure(error)),
                    },
                    ROLES.map((r) => h('option', { value: r, selected: r === m.role }, r)),
                  )
                : m.role,
          },
          ...(admin
            ? [
                {
                  title: '',
                  cell: (m) =>
                    h('button', { type: 'button', class: 'link', onclick: () => api('DELETE', `${base}/${encodeURIComponent(m.user)}`).then(loadProjects, failure(error)) }, 'Remove'),
                },
              ]
            : []),
        ],
        p.members,
        { key: (m) => m.user, label: `Members of ${p.name}` },
      ),
      admin
        ? h(
            'form',
            {
              class: 'inline',
              onsubmit: (e) => {
                e.preventDefault();
                const f = new FormData(e.target);
                api('PUT', base, { body: { user: f.get('user'), role: f.get('role') } }).then(loadProjects, failure(error));
              },
            },
            h('label', {}, 'Add member ', h('input', { name: 'user', required: true, size: 12 })),
            h('select', { name: 'role', 'aria-label': 'Role' }, ROLES.map((r) => h('option', { value: r }, r))),
            h('button', { type: 'submit' }, 'Add'),
          )
        : null,
      error,
    );
  }

  async function loadTokens(secret) {
    const base = path`/api/v1/users/${ctx.me.user}/tokens`;
    const list = await get(base, { signal: ctx.signal });
    const error = h('span', { class: 'error', role: 'alert' });
    mount(
      tokens,
      secret
        ? h(
            'div',
            { class: 'secret', role: 'status' },
            h('p', {}, h('strong', {}, 'Copy this token now: '), 'it is shown only once.'),
            h('code', { id: 'new-token' }, secret),
          )
        : null,
      table(
        [
          { title: 'Name', cell: (t) => t.name },
          { title: 'Id', cell: (t) => t.id },
          { title: 'Created', cell: (t) => time(t.createdAt) },
          { title: '', cell: (t) => h('button', { type: 'button', class: 'link', onclick: () => api('DELETE', `${base}/${encodeURIComponent(t.id)}`).then(() => loadTokens(), failure(error)) }, 'Delete') },
        ],
        list,
        { key: (t) => t.name, label: 'Tokens', empty: 'No tokens.' },
      ),
      h(
        'form',
        {
          class: 'inline',
          id: 'new-token-form',
          onsubmit: (e) => {
            e.preventDefault();
            api('POST', base, { body: { name: new FormData(e.target).get('name') } }).then((t) => loadTokens(t.token), failure(error));
          },
        },
        h('label', {}, 'New token ', h('input', { name: 'name', required: true, size: 14 })),
        h('button', { type: 'submit', id: 'create-token' }, 'Create token'),
        error,
      ),
    );
  }

  await Promise.all([ctx.me.admin ? loadUsers() : null, loadProjects(), loadTokens()]);
}
