import type { TestProject } from 'vitest/node';
import { prepareHost } from './image.js';
import { clearMatrix, printMatrix } from './matrix.js';

declare module 'vitest' {
  export interface ProvidedContext { xenNodeCpio: string; xenOverlayCpio: string }
}

/** Once per `npm run test:xen`: host tools, bundle and the release-independent image parts; at the end, the matrix. */
export default function setup(project: TestProject): () => void {
  const started = Date.now();
  clearMatrix();
  const { node, overlay } = prepareHost();
  project.provide('xenNodeCpio', node);
  project.provide('xenOverlayCpio', overlay);
  return () => printMatrix(started);
}
