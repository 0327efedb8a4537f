// How deeply a parsed YAML document nests: yaml's toJS and writer recurse per level, so a document
// nested far deeper than any config is reported at its first too-deep node before they run.
import { isCollection, visit, type Document, type Node as YamlNode } from 'yaml';
import { MAX_NESTING_DEPTH } from './limits.js';

/** The first collection nested more than MAX_NESTING_DEPTH collections deep, if any. */
export function tooDeepNode(doc: Document.Parsed): YamlNode | undefined {
  let found: YamlNode | undefined;
  // visit's path holds the document, then alternately collections and pairs (or items).
  visit(doc, (_key, node, path) => {
    if (path.length <= MAX_NESTING_DEPTH) return undefined;
    if (isCollection(node) && path.filter(isCollection).length >= MAX_NESTING_DEPTH) {
      found = node;
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}
