// The one form layout: labelled fields, each with a slot for its error, and the API's refusal shown
// at the field it names (an error's field, spec.replicas[0].count, maps to the input that set it).
import { h } from './dom.js';

/**
 * A labelled input (or textarea with rows, or select with options) named attrs.name, with id
 * f-NAME, a hint under it, and an error slot f-NAME-error that showError fills.
 */
export function field(label, attrs, hint) {
  const id = `f-${attrs.name}`;
  const { options, ...rest } = attrs;
  const input = options
    ? h('select', { id, ...rest }, options.map((o) => h('option', { value: o, selected: o === attrs.value }, o)))
    : h(attrs.rows ? 'textarea' : 'input', { id, ...rest });
  // The given value is also the default, which a form's reset() returns to.
  if (options) for (const o of input.options) o.defaultSelected = o.selected;
  else if (attrs.value !== undefined) input.defaultValue = String(attrs.value);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('span', { class: 'hint' }, hint) : null,
    h('span', { class: 'field-msg', id: `${id}-error`, role: 'alert', hidden: true }),
  );
}

/**
 * Shows err at the input that fields maps its field to: fields is [[apiField, inputName], ...] and
 * the longest apiField that the error's field is or starts with wins. An error of no field there
 * goes to general (an element). Answers the input shown at, or null.
 */
export function showError(form, err, fields, general) {
  clearErrors(form, general);
  let best = null;
  for (const [prefix, name] of fields) {
    const f = err.field || '';
    const hit = f === prefix || (f.startsWith(prefix) && '.['.includes(f[prefix.length]));
    if (hit && (!best || prefix.length > best[0].length)) best = [prefix, name];
  }
  const input = best && form.elements[best[1]];
  if (!input) {
    general.textContent = err.field ? `${err.field}: ${err.message}` : err.message;
    return null;
  }
  const slot = form.querySelector(`#${input.id}-error`);
  slot.textContent = err.message;
  slot.dataset.field = err.field;
  slot.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', slot.id);
  input.focus();
  return input;
}

/** Removes every error shown in form and general. */
export function clearErrors(form, general) {
  for (const slot of form.querySelectorAll('.field-msg')) {
    slot.hidden = true;
    slot.textContent = '';
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  if (general) general.textContent = '';
}

/** Lines of KEY=VALUE (blank lines and # comments skipped) as an object; throws naming the line. */
export function pairs(text, what) {
  const out = {};
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const eq = t.indexOf('=');
    if (eq <= 0) throw Object.assign(new Error(`Expected ${what} line ${i + 1} to be KEY=VALUE, but was '${t}'`), { field: what });
    out[t.slice(0, eq).trim()] = t.slice(eq + 1);
  });
  return out;
}

/** A comma- or space-separated list, blanks dropped. */
export function list(text) {
  return String(text || '')
    .split(/[\s,]+/)
    .filter(Boolean);
}
