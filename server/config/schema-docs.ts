// Markdown documentation of a schema node: what hover shows for a key or value, and what
// completion items carry (description, type, default, allowed range or values).
import { stringify } from 'yaml';
import type { SchemaNode } from './schema.js';

type KeyPath = readonly (string | number)[];

/** Inline YAML for a value: 0.0001, [30, 70, 90], {}. */
export function inlineYaml(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow' }).trimEnd();
}

export function typeLabel(node: SchemaNode): string {
  if (node.enum) return node.enum.join(' | ');
  switch (node.type) {
    case 'object': return 'mapping';
    case 'array': return `list of ${node.items ? typeLabel(node.items) : 'values'}`;
    case undefined: return 'value';
    default: return node.type;
  }
}

/** Large bounds as powers of two (2^40 reads better than 1099511627776). */
function boundText(value: number): string {
  if (value === Number.MAX_SAFE_INTEGER) return '2^53 − 1';
  const exponent = Math.log2(value);
  return value >= 2 ** 20 && Number.isInteger(exponent) ? `2^${exponent}` : String(value);
}

/** Interval notation of a numeric node's bounds, e.g. [0, 1), or undefined without bounds. */
export function rangeText(node: SchemaNode): string | undefined {
  const low = node.minimum ?? node.exclusiveMinimum;
  const high = node.maximum ?? node.exclusiveMaximum;
  if (low === undefined && high === undefined) return undefined;
  const left = low === undefined ? '(−∞' : `${node.minimum !== undefined ? '[' : '('}${boundText(low)}`;
  const right = high === undefined ? '∞)' : `${boundText(high)}${node.maximum !== undefined ? ']' : ')'}`;
  return `${left}, ${right}`;
}

/** Markdown for a key: title, description, default, range and values (the current one in bold). */
export function schemaMarkdown(path: KeyPath, node: SchemaNode, currentValue?: string): string {
  const parts = [`**\`${path.join('.')}\`** · ${node.enum ? (node.type ?? 'value') : typeLabel(node)}`];
  if (node.description) parts.push(node.description);
  const facts: string[] = [];
  if (node.default !== undefined) facts.push(`Default: \`${inlineYaml(node.default)}\``);
  const range = rangeText(node);
  if (range) facts.push(`Range: \`${range}\``);
  if (facts.length) parts.push(facts.join(' · '));
  if (node.enum) {
    parts.push(node.enum.map((value, i) => {
      const name = String(value) === currentValue ? `**\`${value}\`**` : `\`${value}\``;
      const description = node.enumDescriptions?.[i];
      return `- ${name}${description ? ` — ${description}` : ''}`;
    }).join('\n'));
  }
  return parts.join('\n\n');
}
