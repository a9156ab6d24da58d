// Datasets a project may read (its own and those other projects share with it): who may read
// each, and one dataset's versions with files, size, checksum, source, the jobs that use it and the
// line that mounts it. Datasets are made with the CLI (`capstan data create`), which streams files.
import { get, path } from '../api.js';
import { h, mount, table, time } from '../dom.js';
import { bytes } from '../quantity.js';

export async function datasetsPage(ctx) {
  const { project } = ctx;
  ctx.title(`Datasets of ${project}`);
  const datasets = await get(path`/api/v1/projects/${project}/datasets`, { signal: ctx.signal });
  mount(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Datasets'), h('span', { class: 'hint' }, 'Make one with ', h('code', {}, 'capstan data create NAME --from DIR'))),
    h(
      'section',
      { id: 'datasets' },
      table(
        [
          { title: 'Dataset', cell: (d) => h('a', { href: link(project, d) }, reference(project, d)) },
          { title: 'Latest version', class: 'num', cell: (d) => String(d.latestVersion ?? '—') },
          { title: 'Versions', class: 'num', cell: (d) => String(d.versions) },
          { title: 'Who can read', cell: (d) => readers(project, d) },
          { title: 'Mount', cell: (d) => (d.latestVersion ? h('code', { class: 'mount' }, `--data ${reference(project, d)}@${d.latestVersion}`) : '—') },
          { title: 'Created', cell: (d) => [time(d.createdAt), ' by ', d.createdBy || '—'] },
        ],
        datasets,
        { key: (d) => `${d.project}/${d.name}`, label: 'Datasets', empty: 'No datasets yet: upload a folder with `capstan data create NAME --from DIR`.' },
      ),
    ),
  );
}

export async function datasetPage(ctx) {
  const { project, params, query } = ctx;
  const owner = query.get('from') || project;
  const base = path`/api/v1/projects/${owner}/datasets/${params.dataset}`;
  const [dataset, versions] = await Promise.all([get(base, { signal: ctx.signal }), get(`${base}/versions`, { signal: ctx.signal })]);
  const ref = reference(project, dataset);
  ctx.title(ref);
  mount(
    ctx.main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/p/${encodeURIComponent(project)}/datasets` }, 'Datasets'), ' / ', ref),
    h('h1', {}, ref),
    h('p', { id: 'readers' }, h('strong', {}, 'Who can read: '), readers(project, dataset)),
    h(
      'p',
      { class: 'hint' },
      'Mount a version read-only in a job or notebook with ',
      h('code', {}, `--data ${ref}@VERSION[:PATH]`),
      ` (default path /datasets/${dataset.name}), or in YAML with the annotation `,
      h('code', {}, `capstan.io/datasets: "${ref}@VERSION"`),
      '.',
    ),
    h('h2', {}, 'Versions'),
    h(
      'section',
      { id: 'versions' },
      table(
        [
          { title: 'Version', class: 'num', cell: (v) => String(v.version) },
          { title: 'Files', class: 'num', cell: (v) => String(v.files) },
          { title: 'Size', class: 'num', cell: (v) => size(v.sizeBytes) },
          { title: 'SHA-256', cell: (v) => h('code', { title: v.sha256 }, v.sha256.slice(0, 16)) },
          { title: 'Source', cell: (v) => source(project, v) },
          { title: 'Description', class: 'why', cell: (v) => v.description || '' },
          { title: 'Used by', cell: (v) => v.usedBy.join(', ') || '—' },
          { title: 'Mount', cell: (v) => h('code', { class: 'mount' }, `--data ${ref}@${v.version}`) },
          { title: 'Created', cell: (v) => time(v.createdAt) },
        ],
        versions,
        { key: (v) => String(v.version), label: 'Versions', empty: 'No versions: every one was deleted.' },
      ),
    ),
  );
}

/** The name a job of project mounts the dataset by: NAME, or OWNER/NAME when shared with it. */
function reference(project, d) {
  return d.project === project ? d.name : `${d.project}/${d.name}`;
}

function link(project, d) {
  const at = `#/p/${encodeURIComponent(project)}/datasets/${encodeURIComponent(d.name)}`;
  return d.project === project ? at : `${at}?from=${encodeURIComponent(d.project)}`;
}

function readers(project, d) {
  if (d.project !== project) return `shared by ${d.project}`;
  return d.sharedWith.length ? `${project} and ${d.sharedWith.join(', ')}` : `private to ${project}`;
}

function size(n) {
  return n < 1024 ? `${n} B` : `${bytes(n)}B`;
}

function source(project, v) {
  const lineage = v.lineage;
  // A job of the owning project: a link for its members, its name for the others.
  if (lineage.job && v.project !== project) return `job ${v.project}/${lineage.job}`;
  if (lineage.job) return h('a', { href: `#/p/${encodeURIComponent(project)}/jobs/${encodeURIComponent(lineage.job)}` }, `job ${lineage.job}`);
  return [lineage.source, lineage.uri ? ` ${lineage.uri}` : '', lineage.createdBy ? ` by ${lineage.createdBy}` : ''];
}
