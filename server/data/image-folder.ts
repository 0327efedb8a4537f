// Scans an image-classification folder (<split>/<class>/<image>): classes sorted by folder name,
// images sorted by file name within each class, so indices and labels never depend on the disk.
import { promises as fs, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { DatasetError, describeFsFailure } from './errors.js';

export const IMAGE_EXTENSIONS = ['.jpeg', '.jpg', '.png'];

export interface ImageFolder {
  /** The split's folder, e.g. /data/imagenet/train. */
  root: string;
  /** Class folder names, in label order. */
  classes: string[];
  /** Image file names (without folders), grouped by class. */
  files: string[];
  labels: Int32Array;
}

export function imagePath(folder: ImageFolder, index: number): string {
  return join(folder.root, folder.classes[folder.labels[index]!]!, folder.files[index]!);
}

function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/** Plain code-unit order, as Python's sorted() gives for ImageNet's ASCII synset names. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function isFolder(parent: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return fs.stat(join(parent, entry.name)).then((stat) => stat.isDirectory(), () => false);
}

/**
 * Scans one split. With `classes` given (the training split's), every class folder must be one
 * of them and labels follow their order; otherwise the split's own sorted folders are the classes.
 */
export async function scanImageFolder(root: string, dataset: string, expectation: string, classes?: readonly string[]): Promise<ImageFolder> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch (error) {
    throw new DatasetError(`${dataset}: ${root} ${describeFsFailure(error)} (expected ${expectation})`);
  }
  const folderFlags = await Promise.all(entries.map((entry) => isFolder(root, entry)));
  const found = entries.filter((_, i) => folderFlags[i]).map((entry) => entry.name).sort(byName);
  if (found.length === 0) {
    const loose = entries.some((entry) => isImageName(entry.name)) ? '; it holds images directly: sort them into one folder per class' : '';
    throw new DatasetError(`${dataset}: ${root} has no class folders (expected ${expectation})${loose}`);
  }
  const labelOrder = classes ?? found;
  const labelOf = new Map(labelOrder.map((name, label) => [name, label]));
  const unknown = found.filter((name) => !labelOf.has(name));
  if (unknown.length > 0) {
    throw new DatasetError(`${dataset}: ${root} has class folder(s) ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''} that the training split lacks (expected the same class folders in train/ and val/)`);
  }
  const present = new Set(found);
  const perClass = await Promise.all(labelOrder.map(async (name) => {
    if (!present.has(name)) return [];
    const names = await fs.readdir(join(root, name)).catch((error: unknown) => {
      throw new DatasetError(`${dataset}: ${join(root, name)} ${describeFsFailure(error)}`);
    });
    return names.filter(isImageName).sort(byName);
  }));
  const files = perClass.flat();
  if (files.length === 0) throw new DatasetError(`${dataset}: ${root} has class folders but no images in them (expected ${expectation}; accepted: ${IMAGE_EXTENSIONS.join(', ')})`);
  const labels = new Int32Array(files.length);
  let offset = 0;
  perClass.forEach((names, label) => {
    labels.fill(label, offset, offset + names.length);
    offset += names.length;
  });
  return { root, classes: [...labelOrder], files, labels };
}
