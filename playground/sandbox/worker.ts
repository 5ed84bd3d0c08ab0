// The sandbox worker: the user's module and the engine run here, never on
// the page; the page calls the Session through comlink.
import { expose } from 'comlink';
import { Session } from './session.ts';

const session = new Session();
// An error the user's code raises outside any call (a timer that throws, a
// promise nobody awaits) is answered with the next call, not left in the console.
self.addEventListener('error', (event) => {
  event.preventDefault();
  session.stray(event.error ?? new Error(event.message));
});
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  session.stray(event.reason);
});
expose(session);
