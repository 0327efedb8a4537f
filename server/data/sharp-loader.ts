// Loads the native image library sharp on first use only, so that every other dataset works
// where sharp is missing or broken; a failure explains itself instead of a module stack.
import type SharpModule from 'sharp';
import { DatasetError } from './errors.js';

export type Sharp = typeof SharpModule;

let loading: Promise<Sharp> | undefined;

export function loadSharp(): Promise<Sharp> {
  loading ??= import('sharp').then(
    (module) => {
      const sharp = ((module as { default?: Sharp }).default ?? module) as Sharp;
      // Every training image is decoded once per epoch: libvips' operation cache only holds memory.
      sharp.cache(false);
      return sharp;
    },
    (error: unknown) => {
      loading = undefined;
      throw new DatasetError(`ImageNet needs the native package 'sharp' to decode JPEGs, and it could not be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    },
  );
  return loading;
}
