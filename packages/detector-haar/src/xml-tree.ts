import { FaceAttrError } from '@faceattr/core';

/** An XML element: its tag, attributes, child elements and the text directly inside it. */
export interface XmlElement {
  tag: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

function fail(what: string, at: number): never {
  throw new FaceAttrError('INVALID_INPUT', `Cascade XML is malformed: ${what} at character ${at}.`, { details: { offset: at } });
}

const ATTR_RE = /([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

/**
 * A small XML reader for OpenCV FileStorage files: elements, attributes, text, comments,
 * processing instructions and CDATA. No DTDs or entities beyond the five predefined ones
 * (FileStorage writes none), so it stays tiny and runs in any JS runtime.
 */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { tag: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) stack[stack.length - 1]!.text += decodeEntities(text.slice(i, end));
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) fail('unterminated comment', lt);
      i = close + 3;
    } else if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      if (close < 0) fail('unterminated processing instruction', lt);
      i = close + 2;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      if (close < 0) fail('unterminated CDATA section', lt);
      stack[stack.length - 1]!.text += text.slice(lt + 9, close);
      i = close + 3;
    } else if (text.startsWith('<!', lt)) {
      const close = text.indexOf('>', lt + 2);
      if (close < 0) fail('unterminated declaration', lt);
      i = close + 1;
    } else if (text[lt + 1] === '/') {
      const close = text.indexOf('>', lt + 2);
      if (close < 0) fail('unterminated end tag', lt);
      const tag = text.slice(lt + 2, close).trim();
      const open = stack.pop();
      if (!open || open === root || open.tag !== tag) fail(`end tag </${tag}> does not match <${open?.tag ?? ''}>`, lt);
      i = close + 1;
    } else {
      const close = text.indexOf('>', lt + 1);
      if (close < 0) fail('unterminated start tag', lt);
      const selfClosing = text[close - 1] === '/';
      const body = text.slice(lt + 1, selfClosing ? close - 1 : close);
      const m = /^[A-Za-z_:][\w.:-]*/.exec(body);
      if (!m) fail('bad tag name', lt);
      const el: XmlElement = { tag: m[0], attributes: {}, children: [], text: '' };
      for (const a of body.slice(m[0].length).matchAll(ATTR_RE)) el.attributes[a[1]!] = decodeEntities(a[3] ?? a[4] ?? '');
      stack[stack.length - 1]!.children.push(el);
      if (!selfClosing) stack.push(el);
      i = close + 1;
    }
  }
  if (stack.length !== 1) fail(`element <${stack[stack.length - 1]!.tag}> is not closed`, n);
  return root;
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);
}

/** The first child element named `tag`, if any. */
export function child(el: XmlElement, tag: string): XmlElement | undefined {
  return el.children.find((c) => c.tag === tag);
}
