// The REST API as the console calls it: the session cookie authenticates, and every
// state-changing call carries the CSRF header with the value of the readable capstan_csrf cookie.

/** An error of the API: its HTTP status, code, message and the field it names. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || '';
    this.field = body?.field || null;
  }
}

function csrf() {
  const match = document.cookie.match(/(?:^|;\s*)capstan_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : '';
}

/** Calls the API; answers the parsed JSON (or text), throws ApiError on 4xx/5xx. */
export async function api(method, path, { body, type, headers = {}, signal, raw } = {}) {
  const init = { method, credentials: 'same-origin', headers: { ...headers }, signal };
  if (method !== 'GET' && method !== 'HEAD') {
    init.headers['X-Capstan-CSRF'] = csrf();
  }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['Content-Type'] = type || 'application/json';
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let error = null;
    try {
      error = await response.json();
    } catch (e) {
      error = { message: `HTTP ${response.status} ${response.statusText}` };
    }
    if (response.status === 401 && !path.startsWith('/api/v1/auth')) {
      window.dispatchEvent(new CustomEvent('capstan:signed-out'));
    }
    throw new ApiError(response.status, error);
  }
  if (raw) return response;
  if (response.status === 204 || response.status === 202) return null;
  const text = await response.text();
  const json = (response.headers.get('Content-Type') || '').includes('json');
  return json && text ? JSON.parse(text) : text;
}

export const get = (path, options) => api('GET', path, options);

/** A path of the API with its parts encoded. */
export function path(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

/**
 * Follows a text stream (a replica's log with follow=true), calling onLines with each batch of
 * complete lines; resolves when the stream ends.
 */
export async function follow(url, signal, onLines) {
  const response = await api('GET', url, { signal, raw: true });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  let yielded = performance.now();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    rest += decoder.decode(value, { stream: true });
    const end = rest.lastIndexOf('\n');
    if (end >= 0) {
      onLines(rest.slice(0, end).split('\n'));
      rest = rest.slice(end + 1);
    }
    // Chunks already received resolve read() at once, as microtasks: a fast stream would keep
    // the page from painting or answering. Give the event loop a turn every 30 ms.
    if (performance.now() - yielded > 30) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      yielded = performance.now();
    }
  }
  if (rest) onLines([rest]);
}
