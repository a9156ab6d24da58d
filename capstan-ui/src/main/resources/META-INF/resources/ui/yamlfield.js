// Finds the line of a YAML document that an API error's field names (spec.replicas[0].count,
// metadata.name, spec.pytorchReplicaSpecs.Worker.replicas), so the error shows at that line.
// Block style by indentation; in flow style ({cpu: 1}) the deepest key found is the answer.

/** The 0-based line of field in text, or -1 when not even its first key is there. */
export function lineOfField(text, field) {
  if (!field) return -1;
  const lines = text.split('\n');
  const segments = [];
  for (const part of field.split('.')) {
    const m = part.match(/^([^[\]]*)((?:\[\d+\])*)$/);
    if (!m) return -1;
    if (m[1]) segments.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  let start = 0;
  let end = lines.length;
  let parent = -1;
  let found = -1;
  for (const segment of segments) {
    const hit = typeof segment === 'number' ? item(lines, start, end, parent, segment) : key(lines, start, end, parent, segment);
    if (!hit) break;
    found = hit.line;
    parent = hit.column;
    start = hit.line;
    end = blockEnd(lines, hit.line, hit.column);
  }
  return found;
}

function indentOf(line) {
  return line.match(/^ */)[0].length;
}

function blank(line) {
  return /^\s*(#.*)?$/.test(line);
}

function key(lines, start, end, parent, name) {
  const wanted = new RegExp(`^(\\s*)((?:- )*)(["']?)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\3\\s*:(\\s|$)`);
  for (let i = start; i < end; i++) {
    const m = lines[i].match(wanted);
    if (m) {
      const column = m[1].length + m[2].length;
      if (column > parent) return { line: i, column };
    }
  }
  return null;
}

function item(lines, start, end, parent, index) {
  let count = -1;
  let column = null;
  for (let i = start; i < end; i++) {
    const m = lines[i].match(/^(\s*)- /);
    if (!m || m[1].length < Math.max(parent, 0)) continue;
    if (column === null) column = m[1].length;
    if (m[1].length !== column) continue;
    count++;
    if (count === index) return { line: i, column: column + 1 };
  }
  return null;
}

/** The line after the block that starts at line with its key at column. */
function blockEnd(lines, line, column) {
  for (let i = line + 1; i < lines.length; i++) {
    if (blank(lines[i])) continue;
    const indent = indentOf(lines[i]);
    const listAtSameColumn = indent === column && lines[i].slice(indent).startsWith('- ');
    if (indent < column || (indent === column && !listAtSameColumn)) return i;
  }
  return lines.length;
}
