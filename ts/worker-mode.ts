/**
 * Everything worker mode needs (comlink among it), as one module: engines
 * import it on first use, so a bundler ships it as one piece, loaded only by
 * apps that put an authority in a worker, share one between tabs, or
 * connect a port. One lazily loaded module rather than one per part: each
 * separately loaded part would split the code it shares with the core path
 * into chunks of their own, and every chunk costs its own compression.
 */
export { linkTo } from './link.ts';
export { joinedEngine, remoteEngine } from './remote-engine.ts';
export { servePort } from './serve-port.ts';
export { tabsUpstream } from './tabs.ts';
export { checkWorkerOption } from './worker-option.ts';
