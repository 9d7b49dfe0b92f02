import { XMLBuilder } from 'fast-xml-parser';

/**
 * Shared XML building for the `xml` and `cloudevents+xml` formats.
 *
 * Event data (any JSON value) becomes elements this way:
 * - an object: one child element per field, in the object's key order;
 * - an array: one element per item, named after the array's field (`tags: ["a", "b"]` gives
 *   `<tags>a</tags><tags>b</tags>`); an empty array gives no element; an array that is itself
 *   an item, or the whole data, has `<item>` children;
 * - a string, number or boolean: the element's text (numbers and booleans as JSON writes them);
 * - null: an empty element (`<x/>`, as an empty string is).
 *
 * Field names: a key that is a valid XML NCName (an XML name without `:`) is the element name
 * as it is. Any other key (empty, starting with a digit or `-`, holding spaces, `:`, `<`, ...)
 * is kept losslessly as `<field name="the key">...</field>` instead of being mangled, so two keys
 * never collide and nothing can inject markup.
 *
 * Text: `&`, `<` and `>` are escaped in text, and `&`, `<`, `>`, `"`, tab, CR and LF in attribute
 * values; characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE and
 * U+FFFF) become U+FFFD. Line breaks in text are subject to the usual XML end-of-line
 * normalisation (a receiver's parser reads CRLF as LF).
 *
 * The data is first normalised as JSON (`JSON.stringify`), so it is exactly the value the
 * `json` format would carry (a `Date` becomes its ISO string, `undefined` fields disappear).
 */

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A node of fast-xml-parser's `preserveOrder` tree: `{ tag: children, ':@': attributes }`. */
export type XmlNode = Record<string, unknown>;

/** Element holding a field whose key is not a valid XML name (see above). */
export const XML_FIELD_ELEMENT = 'field';
/** Attribute of `XML_FIELD_ELEMENT` holding the original key. */
export const XML_FIELD_NAME_ATTRIBUTE = 'name';
/** Element of an array item that has no field name of its own. */
export const XML_ITEM_ELEMENT = 'item';

const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF' +
  '\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD' +
  '\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
// ZWNJ/ZWJ (U+200C-U+200D) are name characters in XML: the class is meant as it is.
// eslint-disable-next-line no-misleading-character-class
const NC_NAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*$`, 'u');
// Everything outside XML 1.0's Char production (lone surrogates included, thanks to the u flag).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** True when `name` can be an element name as it is (an XML 1.0 NCName). */
export function isXmlName(name: string): boolean {
  return NC_NAME.test(name);
}

function xmlChars(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD');
}

/** Text content, escaped. */
export function escapeXmlText(value: string): string {
  return xmlChars(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A double-quoted attribute value, escaped (tab, CR and LF as references: they survive). */
export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** An element; `attributes` values are raw (escaped here), `children` already built. */
export function xmlElement(
  name: string,
  children: XmlNode[],
  attributes?: Record<string, string>,
): XmlNode {
  const node: XmlNode = { [name]: children };
  if (attributes && Object.keys(attributes).length > 0) {
    node[':@'] = Object.fromEntries(
      Object.entries(attributes).map(([key, value]) => [`@_${key}`, escapeXmlAttribute(value)]),
    );
  }
  return node;
}

/** A text child (raw value, escaped here). */
export function xmlText(value: string): XmlNode {
  return { '#text': escapeXmlText(value) };
}

/** An element holding one text value. */
export function xmlTextElement(
  name: string,
  value: string,
  attributes?: Record<string, string>,
): XmlNode {
  return xmlElement(name, value === '' ? [] : [xmlText(value)], attributes);
}

/** `value` as the `json` format would carry it. */
export function toJsonValue(value: unknown): JsonValue {
  const json = JSON.stringify(value);
  return json === undefined ? null : (JSON.parse(json) as JsonValue);
}

function fieldElement(key: string, value: JsonValue): XmlNode {
  return isXmlName(key)
    ? xmlElement(key, contentOf(value))
    : xmlElement(XML_FIELD_ELEMENT, contentOf(value), { [XML_FIELD_NAME_ATTRIBUTE]: key });
}

/** The elements of one field: one, or one per item for an array. */
function fieldElements(key: string, value: JsonValue): XmlNode[] {
  return Array.isArray(value)
    ? value.map((item) => fieldElement(key, item))
    : [fieldElement(key, value)];
}

/** The children of an element holding `value`. */
function contentOf(value: JsonValue): XmlNode[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value.map((item) => fieldElement(XML_ITEM_ELEMENT, item));
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => fieldElements(key, item));
  }
  const text = String(value);
  return text === '' ? [] : [xmlText(text)];
}

/** The children of an element that holds `data` (normalised as JSON first). */
export function dataContent(data: unknown): XmlNode[] {
  return contentOf(toJsonValue(data));
}

/** `<?xml version="1.0" encoding="UTF-8"?>`. */
export const XML_DECLARATION: XmlNode = {
  '?xml': [],
  ':@': { '@_version': '1.0', '@_encoding': 'UTF-8' },
};

// Values are escaped while the tree is built (processEntities off), so the builder writes
// names and already-escaped text only.
const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  processEntities: false,
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  format: false,
  maxNestedTags: 1000,
});

/** A UTF-8 XML document: the declaration, then `root`. */
export function xmlDocument(root: XmlNode): Buffer {
  return Buffer.from(builder.build([XML_DECLARATION, root]), 'utf8');
}
