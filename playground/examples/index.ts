// The examples the playground offers, in the order of its menu.
import type { Project } from '../project.ts';
import { agentLoop } from './agent-loop.ts';
import { auditDemo } from './audit.ts';
import { conflictDemo } from './conflict.ts';
import { warehouse } from './warehouse.ts';

/** The bundled examples; the first is opened when the page has no shared link. */
export const examples: readonly Project[] = [warehouse, agentLoop, auditDemo, conflictDemo];
