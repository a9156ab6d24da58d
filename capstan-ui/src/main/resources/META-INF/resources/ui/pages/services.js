// Inference services: stable and canary versions, the traffic split (editors change it, promote
// the canary or roll back), replicas, and requests, errors and latency charted while the page is
// open (the API reports counters; the page charts their change between polls).
import { api, get, path } from '../api.js';
import { h, mount, table, time, badge, chart } from '../dom.js';

export async function servicesPage(ctx) {
  const { project } = ctx;
  ctx.title(`Services of ${project}`);
  const list = h('section', { id: 'services' });
  mount(ctx.main, h('h1', {}, 'Services'), list);
  await ctx.every(3000, async () => {
    const services = await get(path`/api/v1/projects/${project}/services`, { signal: ctx.signal });
    mount(
      list,
      table(
        [
          { title: 'Service', cell: (s) => h('a', { href: `#/p/${encodeURIComponent(project)}/services/${encodeURIComponent(s.name)}` }, s.name) },
          { title: 'Phase', cell: (s) => badge(s.status.phase) },
          { title: 'Model', cell: (s) => s.spec.model },
          { title: 'Stable', class: 'num', cell: (s) => String(s.status.stableVersion ?? '—') },
          { title: 'Canary', cell: (s) => (s.status.canaryVersion ? `v${s.status.canaryVersion} at ${s.status.canaryPercent}%` : '—') },
          { title: 'Replicas', class: 'num', cell: (s) => String(s.status.desiredReplicas) },
        ],
        services,
        { key: (s) => s.name, label: 'Services', empty: 'No services: serve a model with `capstan serve`.' },
      ),
    );
  });
}

export async function servicePage(ctx) {
  const { project, params } = ctx;
  const base = path`/api/v1/projects/${project}/services/${params.service}`;
  ctx.title(params.service);
  const head = h('div', { class: 'page-head' });
  const traffic = h('section', { id: 'traffic' });
  const versions = h('section', { id: 'versions' });
  const charts = h('section', { class: 'charts' });
  const events = h('section', {});
  const samples = []; // [time, {track: {requests, errors, p99}}]
  mount(
    ctx.main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/p/${encodeURIComponent(project)}/services` }, 'Services'), ' / ', params.service),
    head,
    h('h2', {}, 'Traffic'),
    traffic,
    h('h2', {}, 'Versions'),
    versions,
    h('h2', {}, 'Requests, errors and latency (since this page opened)'),
    charts,
    h('h2', {}, 'Events'),
    events,
  );
  let editing = false;
  let split = '';
  async function load() {
    const service = await get(base, { signal: ctx.signal });
    samples.push([Date.now(), Object.fromEntries(service.status.versions.map((v) => [v.track, v]))]);
    if (samples.length > 120) samples.shift();
    render(service);
  }
  function render(s) {
    const st = s.status;
    mount(head, h('h1', {}, s.name, ' ', badge(st.phase)), st.message ? h('p', { class: 'message' }, st.message) : null);
    const now = JSON.stringify([st.stableVersion, st.canaryVersion, st.canaryPercent, s.spec.model]);
    if (!editing && now !== split) {
      split = now;
      mount(
        traffic,
        h(
          'p',
          { id: 'split' },
          `Stable v${st.stableVersion ?? '—'}: ${100 - (st.canaryVersion ? st.canaryPercent : 0)}%`,
          st.canaryVersion ? ` · canary v${st.canaryVersion}: ${st.canaryPercent}%` : ' · no canary',
        ),
        ctx.canEdit() ? trafficForm(s) : null,
      );
    }
    mount(
      versions,
      table(
        [
          { title: 'Track', cell: (v) => v.track },
          { title: 'Version', class: 'num', cell: (v) => String(v.version) },
          { title: 'Ready', class: 'num', cell: (v) => `${v.readyReplicas}/${v.replicas}` },
          { title: 'Requests', class: 'num', cell: (v) => String(v.requests) },
          { title: 'Errors', class: 'num', cell: (v) => String(v.errors) },
          { title: 'p50 / p99 ms', class: 'num', cell: (v) => `${fmt(v.p50Millis)} / ${fmt(v.p99Millis)}` },
          // Each entry is the replica job's name, then its phase and, while it waits, why.
          {
            title: 'Replica jobs',
            cell: (v) =>
              v.replicaJobs.map((entry, i) => {
                const [name, ...state] = entry.split(' ');
                return [i ? h('br') : '', h('a', { href: `#/p/${encodeURIComponent(project)}/jobs/${encodeURIComponent(name)}` }, name), ' ', state.join(' ')];
              }),
          },
        ],
        st.versions,
        { key: (v) => v.track, label: 'Versions' },
      ),
    );
    const tracks = [...new Set(samples.flatMap(([, by]) => Object.keys(by)))];
    const rate = (field) =>
      tracks.map((track) => ({
        name: track,
        points: samples.slice(1).map(([t, by], i) => [t, Math.max(0, (by[track]?.[field] ?? 0) - (samples[i][1][track]?.[field] ?? 0))]),
      }));
    const clock = (t) => new Date(t).toLocaleTimeString();
    mount(
      charts,
      chart('Requests per poll', rate('requests'), { xLabel: clock }),
      chart('Errors per poll', rate('errors'), { xLabel: clock }),
      chart('p99 latency', tracks.map((track) => ({ name: track, points: samples.filter(([, by]) => by[track]?.p99Millis != null).map(([t, by]) => [t, by[track].p99Millis]) })), { xLabel: clock, yUnit: ' ms' }),
    );
    mount(
      events,
      table(
        [
          { title: 'Time', cell: (e) => time(e.time) },
          { title: 'Reason', cell: (e) => e.reason },
          { title: 'Message', class: 'why', cell: (e) => e.message },
        ],
        s.events.slice().reverse(),
        { label: 'Events' },
      ),
    );
  }
  function trafficForm(s) {
    const st = s.status;
    const message = h('span', { class: 'error', role: 'alert', id: 'traffic-error' });
    const call = (method, url, body) => async () => {
      try {
        await api(method, url, body === undefined ? {} : { body });
        editing = false;
        message.textContent = '';
        await load();
      } catch (err) {
        message.textContent = err.message;
      }
    };
    return h(
      'form',
      {
        class: 'inline',
        id: 'traffic-form',
        onfocusin: () => (editing = true),
        onsubmit: (e) => {
          e.preventDefault();
          const f = new FormData(e.target);
          const model = String(f.get('model')).trim();
          call('PUT', `${base}/traffic`, { model: model || null, percent: Number(f.get('percent')) })();
        },
      },
      h('label', {}, 'Canary model ', h('input', { name: 'model', id: 'canary-model', placeholder: `${s.spec.model.split(/[:@]/)[0]}:2`, size: 14 })),
      h('label', {}, 'Percent ', h('input', { name: 'percent', id: 'canary-percent', type: 'number', min: 0, max: 100, value: st.canaryVersion ? st.canaryPercent : 10 })),
      h('button', { type: 'submit', id: 'set-traffic' }, 'Set split'),
      st.canaryVersion ? h('button', { type: 'button', id: 'promote', onclick: call('POST', `${base}/promote`) }, 'Promote canary') : null,
      h('button', { type: 'button', id: 'rollback', onclick: call('POST', `${base}/rollback`) }, 'Roll back'),
      message,
    );
  }
  await ctx.every(3000, load);
}

function fmt(x) {
  return x === null || x === undefined ? '—' : Math.round(x * 10) / 10;
}
