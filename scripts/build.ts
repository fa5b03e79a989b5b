/** `npm run build`: compiles lib/ to dist/lib for the notebooks (see lib/build.ts). */
import { buildLib } from '../lib/build.js';

try {
  buildLib();
  console.error('Built dist/lib.');
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
