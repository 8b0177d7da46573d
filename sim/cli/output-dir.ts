import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cannotWrite } from './errors.ts';

/**
 * Checks, without creating anything, that `dir` is a directory or could be created as one:
 * nothing in the way, and the nearest existing ancestor is a directory meshsim may write in.
 * The directory itself is made only when there are results to put in it.
 */
export function checkCanCreateDirectory(dir: string): void {
  let path = resolve(dir);
  for (;;) {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory()) throw cannotWrite(dir, Object.assign(new Error('not a directory'), { code: path === resolve(dir) ? 'EEXIST' : 'ENOTDIR' }));
      try {
        accessSync(path, constants.W_OK);
      } catch (e) {
        throw cannotWrite(dir, e);
      }
      return;
    }
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
}
