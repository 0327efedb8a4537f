// dataset-path-required: cifar10 and imagenet read from a user-given folder; dataset-path-missing:
// the folder (or Fashion-MNIST's default one) is not there.
import type { ConfigProblem } from '../problems.js';
import { datasetFacts } from '../datasets.js';
import type { ValidationContext } from './context.js';

export const PLACEHOLDER_DATASET_PATH = '/path/to/data';

export function datasetPathRequired(context: ValidationContext): ConfigProblem[] {
  const { dataset } = context.config;
  if (!datasetFacts(dataset).needsPath || dataset.path !== undefined) return [];
  return [{
    code: 'dataset-path-required', severity: 'error',
    message: `${dataset.name} has no bundled copy: set dataset.path to the folder that holds it.`,
    path: ['dataset'], range: context.keyRange(['dataset']),
    data: { key: 'path', insert: PLACEHOLDER_DATASET_PATH },
  }];
}

export function datasetPathMissing(context: ValidationContext): ConfigProblem[] {
  const { dataset } = context.config;
  if (dataset.name === 'synthetic') return [];
  if (dataset.path !== undefined) {
    if (context.env.fileExists(dataset.path)) return [];
    return [{
      code: 'dataset-path-missing', severity: 'warning',
      message: `dataset.path \`${dataset.path}\` does not exist here; the run will fail when it opens the data.`,
      path: ['dataset', 'path'], range: context.valueRange(['dataset', 'path']),
      data: { file: dataset.path },
    }];
  }
  // Fashion-MNIST falls back to the Debian package's folder.
  const fallback = datasetFacts(dataset).defaultPath;
  if (fallback === undefined || context.env.fileExists(fallback)) return [];
  return [{
    code: 'dataset-path-missing', severity: 'warning',
    message: `${dataset.name} is not at its default location ${fallback}: install the Debian package dataset-fashion-mnist, or set dataset.path.`,
    path: ['dataset', 'name'], range: context.valueRange(['dataset', 'name']),
    data: { file: fallback, key: 'path', insert: PLACEHOLDER_DATASET_PATH },
  }];
}
