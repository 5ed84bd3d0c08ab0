// Completion for the theus API in the processes editor: the names a process
// module uses (process, the contract's keys, the context's layers), each with
// a line saying what it is. CodeMirror's JS support keeps its own completions
// (local names, keywords) next to these.
import { type Completion, completeFromList, snippetCompletion } from '@codemirror/autocomplete';
import { javascriptLanguage } from '@codemirror/lang-javascript';

const API: Completion[] = [
  snippetCompletion("export const ${name} = process({\n  name: '${name}',\n  inputs: ['domain_ctx.${path}'],\n  outputs: ['domain_ctx.${path}'],\n}, (ctx, args) => {\n  ${}\n});", {
    label: 'process',
    type: 'function',
    detail: '(contract, fn)',
    info: 'A process: fn(ctx, args) runs as a transaction; the contract names the paths it may read and write.',
  }),
  { label: 'inputs', type: 'property', info: 'Contract: the paths the process reads, e.g. domain_ctx.items' },
  { label: 'outputs', type: 'property', info: 'Contract: the paths the process writes (and may read)' },
  { label: 'semantic', type: 'property', info: "Contract: 'pure' | 'effect' | 'guide' (default 'effect')" },
  { label: 'errors', type: 'property', info: 'Contract: names of errors the process may throw' },
  { label: 'domain_ctx', type: 'variable', info: 'The domain layer: business data' },
  { label: 'global_ctx', type: 'variable', info: 'The global layer: configuration and shared settings' },
  { label: 'local_ctx', type: 'variable', info: 'The local layer: scratch data' },
];

/** An extension for the processes editor. */
export const theusCompletion = javascriptLanguage.data.of({ autocomplete: completeFromList(API) });
