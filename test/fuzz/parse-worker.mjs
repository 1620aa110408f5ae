// Worker entry point: Node 20 cannot start a worker from a .ts file, so this loads parse-worker.ts through tsx.
import { tsImport } from 'tsx/esm/api';

await tsImport('./parse-worker.ts', import.meta.url);
