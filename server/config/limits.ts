// The work bounds of the config language: how large a text, key or problem list it analyzes, so
// that every answer comes back in bounded time whatever is typed. Each limit is stated here once.

/** Texts longer than this get one diagnostic instead of an analysis (a real config is a few KiB). */
export const MAX_CONFIG_CHARS = 1_000_000;
/** A mapping key longer than this is reported, not analyzed (layer names are a few dozen characters). */
export const MAX_KEY_LENGTH = 256;
/** Typo suggestions (edit distance) only for words up to this long; longer ones are not typos of a key. */
export const MAX_SUGGEST_LENGTH = 64;
/** Problems reported per text; the rest are counted in one last problem. */
export const MAX_PROBLEMS = 200;
/** Nesting depth of any config (it has 4 levels); the outline and --set stop there. */
export const MAX_NESTING_DEPTH = 16;
/** Outline entries per text. */
export const MAX_SYMBOLS = 5_000;
/** Expanded YAML aliases per document (yaml's guard against alias bombs). */
export const MAX_ALIAS_COUNT = 100;
