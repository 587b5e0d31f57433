// xml_to_dict(): an XML text as the dictionary Python's xmltodict builds, which is what RDI
// returns: `{"root": {"name": "John", "age": "30"}}`. Text stays text; an empty element is
// null; attributes are `@name`; text beside attributes or children is `#text`; a repeated
// child becomes a list. Iterative (no recursion), so deep documents cannot exhaust the stack.

type XmlValue = string | null | XmlObject | XmlValue[];
interface XmlObject {
  [name: string]: XmlValue;
}

interface Open {
  readonly name: string;
  readonly attributes: [string, string][];
  readonly children: [string, XmlValue][];
  text: string;
}

const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

function fail(message: string): never {
  throw new TypeError(`xml_to_dict(): ${message}`);
}

function build(element: Open): XmlValue {
  const text = element.text.trim();
  if (element.attributes.length === 0 && element.children.length === 0) {
    return text === '' ? null : text;
  }
  const out: XmlObject = {};
  for (const [name, value] of element.attributes) out[`@${name}`] = value;
  for (const [name, value] of element.children) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    // Element values are never lists, so a list here is a repeated child.
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  if (text !== '') out['#text'] = text;
  return out;
}

export function xmlToDict(xml: string): XmlObject {
  const stack: Open[] = [];
  let root: [string, XmlValue] | undefined;
  let i = 0;
  const attribute = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const top = stack.at(-1);
    const chunk = lt < 0 ? xml.slice(i) : xml.slice(i, lt);
    if (top !== undefined) top.text += decode(chunk);
    else if (chunk.trim() !== '') fail('text outside the root element');
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) fail('unterminated CDATA section');
      if (top === undefined) fail('CDATA outside the root element');
      top.text += xml.slice(lt + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<?', lt) || xml.startsWith('<!', lt)) {
      const end = xml.indexOf('>', lt);
      if (end < 0) fail('unterminated declaration');
      i = end + 1;
    } else if (xml.startsWith('</', lt)) {
      const end = xml.indexOf('>', lt);
      if (end < 0) fail('unterminated closing tag');
      const name = xml.slice(lt + 2, end).trim();
      const element = stack.pop();
      if (element?.name !== name) fail(`unexpected closing tag </${name}>`);
      const value = build(element);
      const parent = stack.at(-1);
      if (parent === undefined) root = [name, value];
      else parent.children.push([name, value]);
      i = end + 1;
    } else {
      const end = xml.indexOf('>', lt);
      if (end < 0) fail('unterminated tag');
      const selfClosing = xml[end - 1] === '/';
      const body = xml.slice(lt + 1, selfClosing ? end - 1 : end);
      const name = /^[^\s/>]+/.exec(body)?.[0];
      if (name === undefined) fail('a tag without a name');
      if (root !== undefined) fail('more than one root element');
      const attributes: [string, string][] = [];
      for (const match of body.slice(name.length).matchAll(attribute)) {
        attributes.push([match[1] ?? '', decode(match[3] ?? match[4] ?? '')]);
      }
      const element: Open = { name, attributes, children: [], text: '' };
      if (selfClosing) {
        const parent = stack.at(-1);
        if (parent === undefined) root = [name, build(element)];
        else parent.children.push([name, build(element)]);
      } else {
        stack.push(element);
      }
      i = end + 1;
    }
  }
  if (stack.length > 0 || root === undefined) fail('the document is not complete');
  return { [root[0]]: root[1] };
}
