// Sign-in: the company's identity provider when the server has one, or an API token, which is
// exchanged once for a session cookie (HttpOnly) and never kept by the page.
import { api, get } from '../api.js';
import { h, mount } from '../dom.js';

export async function signIn(root, done) {
  document.title = 'Sign in · Capstan';
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' });
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: false });
  const oidc = h('div', { class: 'oidc' });
  const form = h(
    'form',
    {
      class: 'signin',
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        try {
          await api('POST', '/api/v1/auth/session', { headers: { Authorization: `Bearer ${token.value.trim()}` } });
          token.value = '';
          await done();
        } catch (err) {
          error.textContent = err.message;
        }
      },
    },
    h('h1', {}, 'Sign in to Capstan'),
    oidc,
    h('label', { for: 'token' }, 'API token'),
    token,
    h('p', { class: 'hint' }, 'Create one with ', h('code', {}, 'capstan token create'), ' or ask an administrator.'),
    h('button', { type: 'submit', id: 'signin' }, 'Sign in with token'),
    error,
  );
  mount(root, h('main', { id: 'main', class: 'signin-page' }, form));
  token.focus();
  try {
    await get('/api/v1/auth/oidc');
    mount(
      oidc,
      h('a', { class: 'button primary', id: 'oidc', href: `/auth/login?return_to=${encodeURIComponent('/' + window.location.hash)}` }, 'Sign in with your organization'),
      h('p', { class: 'or' }, 'or'),
    );
  } catch (e) {
    // No identity provider configured: the token is the only way in.
  }
}
