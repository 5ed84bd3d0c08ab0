// The sandbox worker: the user's module and the engine run here, never on
// the page; the page calls the Session through comlink.
import { expose } from 'comlink';
import { Session } from './session.ts';

expose(new Session());
