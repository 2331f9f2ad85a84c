// A strict little XML well-formedness check for the SVG/HTML fragments we generate: every tag closed
// in order, every attribute quoted, no stray '<' or bare '&' in text or attribute values.
export function checkWellFormed(xml: string): string | null {
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>/y;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  const stack: string[] = [];
  let i = 0;
  while (i < xml.length) {
    const c = xml[i];
    if (c === '<') {
      tag.lastIndex = i;
      const m = tag.exec(xml);
      if (!m) return `malformed tag at ${i}: ${xml.slice(i, i + 60)}`;
      for (const a of m[3].matchAll(/="([^"]*)"/g)) {
        const bad = badAmp(a[1], entity);
        if (bad !== null) return `bare '&' in attribute at ${i}`;
      }
      if (m[1]) {
        const top = stack.pop();
        if (top !== m[2]) return `</${m[2]}> at ${i} closes <${top ?? 'nothing'}>`;
      } else if (!m[4]) stack.push(m[2]);
      i = tag.lastIndex;
    } else if (c === '&') {
      entity.lastIndex = i;
      if (!entity.exec(xml)) return `bare '&' at ${i}`;
      i = entity.lastIndex;
    } else if (c === '>') return `stray '>' at ${i}`;
    else i++;
  }
  return stack.length ? `unclosed <${stack.join('> <')}>` : null;
}

function badAmp(s: string, entity: RegExp): number | null {
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) {
    entity.lastIndex = i;
    if (!entity.exec(s)) return i;
  }
  return null;
}
