// Seeded generator of hostile *.rigl.yaml texts for the config fuzzer (test and bench): valid
// configs with hostile values, hostile YAML structure (alias bombs, deep nesting, huge keys and
// globs, thousands of overrides), and byte-level damage. The same seed gives the same texts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SeededRandom } from '../../server/data/random.js';
import { RIGL_CONFIG_SCHEMA, type SchemaNode } from '../../server/config/schema.js';

export interface GeneratedConfig {
  /** Which strategy made it (for the failure message and the bench's counts). */
  kind: string;
  text: string;
}

const HOSTILE_NUMBERS = ['0', '-0', '-1', '1e300', '-1e300', '.inf', '-.inf', '.nan', '9007199254740993', '1e-320', '0x7fffffff', '1e15', '1099511627777', '0.999999999999', '1', '2', '100000', '0o777'];
const HOSTILE_SCALARS = ['', '~', 'null', 'true', '"\\u0000"', "'x'", '[]', '{}', '[1, [2, [3]]]', '!!binary aGVsbG8=', '!!str 5', '!!int "x"', '"\u202e\ud83d\ude00"', '*undefined_anchor', '&a 1', '|', '>-', '"a\\nb"'];
const LAYER_WORDS = ['fc1', 'fc2', 'fc3', 'conv1', 'layer1', 'layer1.0.conv1', 'layer4.*', '*', '?', 'fc'];

/** The leaf key paths of the schema (every key a config can set). */
function schemaPaths(node: SchemaNode, prefix: string[] = []): string[][] {
  if (node.type !== 'object' || !node.properties) return [prefix];
  return Object.entries(node.properties).flatMap(([key, child]) => schemaPaths(child, [...prefix, key]));
}

export class ConfigGenerator {
  private readonly random: SeededRandom;
  private readonly bases: string[];
  private readonly paths = schemaPaths(RIGL_CONFIG_SCHEMA);

  constructor(seed: number, repoRoot: string) {
    this.random = new SeededRandom(0xf022, seed);
    const dirs = [join(repoRoot, 'examples'), join(repoRoot, 'test', 'fixtures', 'configs')];
    this.bases = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.rigl.yaml')).map((f) => readFileSync(join(dir, f), 'utf8')));
  }

  next(): GeneratedConfig {
    const strategies: [string, () => string][] = [
      ['hostile-values', () => this.hostileValues()],
      ['hostile-values', () => this.hostileValues()],
      ['huge-run', () => this.hugeRun()],
      ['alias', () => this.aliases()],
      ['deep-nesting', () => this.deepNesting()],
      ['many-overrides', () => this.manyOverrides()],
      ['glob-stars', () => this.globStars()],
      ['long-key', () => this.longKey()],
      ['byte-damage', () => this.byteDamage()],
      ['byte-damage', () => this.byteDamage()],
      ['odd-yaml', () => this.oddYaml()],
    ];
    const [kind, make] = this.pick(strategies);
    return { kind, text: make() };
  }

  /** A position (line, character) somewhere in or just past the text, for completion and hover. */
  position(text: string): { line: number; character: number } {
    const lines = text.split('\n');
    const line = this.random.int(lines.length + 1);
    return { line, character: this.random.int((lines[line]?.length ?? 0) + 2) };
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.random.int(items.length)];
  }

  private base(): string {
    return this.pick(this.bases);
  }

  private hostileValue(): string {
    const r = this.random.next();
    if (r < 0.45) return this.pick(HOSTILE_NUMBERS);
    if (r < 0.8) return this.pick(HOSTILE_SCALARS);
    if (r < 0.9) return JSON.stringify('x'.repeat(this.random.int(5000)));
    return String(this.random.uniform(-1e6, 1e6));
  }

  /** A valid config with a few schema keys set to hostile values (written as YAML flow text). */
  private hostileValues(): string {
    const lines = [this.base().trimEnd()];
    const count = 1 + this.random.int(4);
    for (let i = 0; i < count; i++) {
      const path = this.pick(this.paths);
      // A trailing block at column 0 replaces (or duplicates) the section: both are interesting.
      lines.push(path.map((key, depth) => `${'  '.repeat(depth)}${key}:`).join('\n') + ' ' + this.hostileValue());
    }
    return lines.join('\n') + '\n';
  }

  /** Step counts at and beyond the bounds: the planner must count, not enumerate. */
  private hugeRun(): string {
    const method = this.pick(['gmp', 'rigl', 'set', 'snfs', 'static', 'dense']);
    const epochs = this.pick(['1e300', '100000', '99999.5', '50000', '.inf', '1e5', '3']);
    const multiplier = this.pick(['1', '1000', '999.9', '1e300']);
    return stringify({
      model: this.pick(['lenet-300-100', 'resnet50', 'resnet20']),
      dataset: { name: this.pick(['imagenet', 'mnist', 'synthetic']), path: '/data', synthetic_size: this.pick([1, 1024, 2 ** 31]) },
      sparsity: { method, update: { delta_t: this.pick([1, 2, 100, 2 ** 40]), t_start: this.pick([0, 0.5, 0.999]), t_end: this.pick([0.75, 0.999999, 1]) } },
      training: { batch_size: this.pick([1, 2, 100]) },
    }).replace('training:\n', `training:\n  epochs: ${epochs}\n  multiplier: ${multiplier}\n`);
  }

  private aliases(): string {
    switch (this.random.int(4)) {
      case 0: {
        // A billion laughs: each level repeats the previous one nine times.
        const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
        for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
        return `${this.base()}\n${levels.join('\n')}\n`;
      }
      case 1: return this.base().replace(/: (\S+)\n/, ': *nowhere\n');
      case 2: return `model: &m lenet-300-100\ndataset: &d { name: mnist }\nsparsity: { overrides: *d }\ntraining: &t { epochs: *m }\nbackend: *t\n`;
      default: return `x: &x\n  y: *x\nmodel: lenet-300-100\ndataset: { name: mnist }\n`;
    }
  }

  private deepNesting(): string {
    const depth = this.pick([10, 100, 1000]);
    if (this.random.next() < 0.5) {
      let text = 'model: lenet-300-100\ndataset: { name: mnist }\nsparsity:\n';
      for (let i = 1; i <= depth; i++) text += `${' '.repeat(i)}k${i}:\n`;
      return text + `${' '.repeat(depth + 1)}leaf: 1\n`;
    }
    const open = this.pick(['[', '{a: ']);
    const close = open === '[' ? ']' : '}';
    return `model: lenet-300-100\ndataset: { name: mnist }\ntraining: ${open.repeat(depth * 3)}1${close.repeat(depth * 3)}\n`;
  }

  private manyOverrides(): string {
    const count = this.pick([10, 100, 1000, 3000]);
    const entries: string[] = [];
    for (let i = 0; i < count; i++) entries.push(`    ${this.pick(LAYER_WORDS)}${i}${this.random.next() < 0.3 ? '*' : ''}: 0.${1 + this.random.int(8)}`);
    return `model: ${this.pick(['lenet-300-100', 'resnet50'])}\ndataset: { name: imagenet, path: /data }\nsparsity:\n  overrides:\n${entries.join('\n')}\n`;
  }

  private globStars(): string {
    const stars = 8 + this.random.int(40);
    const pattern = Array.from({ length: stars }, () => (this.random.next() < 0.7 ? '*' : this.pick(['a', '.', '?', 'layer']))).join('') + this.pick(['x', 'zz', '.conv9', '']);
    return `model: resnet50\ndataset: { name: imagenet, path: /data }\nsparsity:\n  overrides:\n    "${pattern}": 0.5\n    "${'*'.repeat(stars)}q": 0.3\n`;
  }

  private longKey(): string {
    const length = this.pick([300, 10_000, 200_000, 1_000_001]);
    const key = 'k'.repeat(length);
    return this.random.next() < 0.5
      ? `model: lenet-300-100\ndataset: { name: mnist }\n${key}: 1\n`
      : `model: lenet-300-100\ndataset: { name: mnist }\nsparsity:\n  overrides:\n    ${key}: 0.5\n`;
  }

  /** Random deletions, insertions and truncation of a valid config (what an editor sees mid-typing). */
  private byteDamage(): string {
    let text = this.base();
    const edits = 1 + this.random.int(8);
    const alphabet = ':-[]{}&*!|>#%@`\'"\t\n \\,?.0123456789eE+\ufeff\u0000';
    for (let i = 0; i < edits; i++) {
      const at = this.random.int(text.length + 1);
      if (this.random.next() < 0.5) text = text.slice(0, at) + text.slice(at + 1 + this.random.int(10));
      else text = text.slice(0, at) + alphabet[this.random.int(alphabet.length)].repeat(1 + this.random.int(3)) + text.slice(at);
    }
    return this.random.next() < 0.2 ? text.slice(0, this.random.int(text.length + 1)) : text;
  }

  private oddYaml(): string {
    return this.pick([
      '',
      '---\n---\n',
      '%YAML 1.2\n---\nmodel: lenet-300-100\n...\n---\nmodel: cnn-small\n',
      'model: lenet-300-100\nmodel: cnn-small\ndataset: {name: mnist}\n',
      '\ufeffmodel: lenet-300-100\r\ndataset:\r\n  name: mnist\r\n',
      '? [a, b]\n: c\nmodel: lenet-300-100\n',
      '!!map { model: lenet-300-100, dataset: !!map { name: mnist } }\n',
      'model: !!python/object:os.system lenet\ndataset: { name: mnist }\n',
      '- model: lenet-300-100\n',
      'model:\tlenet\n\tdataset: mnist\n',
      '"\\xff\\uD800": 1\nmodel: lenet-300-100\n',
      '{ "model": "lenet-300-100", "dataset": { "name": "mnist" }, "__proto__": { "polluted": true } }\n',
      'model: lenet-300-100\ndataset: { name: mnist }\nconstructor: { prototype: { x: 1 } }\n',
    ]);
  }
}
