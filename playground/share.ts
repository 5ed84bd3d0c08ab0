// A project in the page's address: JSON, deflated (CompressionStream, built
// into browsers, so no dependency) and written in base64url so that it
// survives in a URL fragment unescaped. The fragment never reaches a server.
//
// A link is input from anyone: decoding bounds every size before it is
// spent (a small deflated link can inflate to gigabytes), refuses a key that
// could reach a prototype, and builds the Project from checked fields only.
import type { Project } from './project.ts';
import { FORBIDDEN_KEYS } from './sandbox/untrusted.ts';

/** A link that cannot be read: damaged, from another tool or version, or too large. */
export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
}

/** Marks our links (and their format's version), so a foreign fragment is named as such. */
const PREFIX = 'theus1.';
/** Longest fragment accepted; browsers and chat tools cut longer URLs anyway. */
export const MAX_LINK_CHARS = 200_000;
/** Most bytes a link may inflate to: far above any project typed by hand. */
export const MAX_PROJECT_BYTES = 1_000_000;

const TEXT_FIELDS = ['title', 'context', 'processes', 'workflow', 'recipe'] as const;

/** The project as a URL fragment (without '#'). Rejects with ShareLinkError if it is too large to share. */
export async function encodeProject(project: Project): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(checkedProject(project)));
  if (bytes.length > MAX_PROJECT_BYTES) {
    throw new ShareLinkError(`the project is ${bytes.length} bytes; a link holds at most ${MAX_PROJECT_BYTES}`);
  }
  const link = PREFIX + toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw'), Number.POSITIVE_INFINITY));
  if (link.length > MAX_LINK_CHARS) {
    throw new ShareLinkError(`the link would be ${link.length} characters; at most ${MAX_LINK_CHARS} are accepted`);
  }
  return link;
}

/** The project a fragment holds (with or without its '#'). Rejects with ShareLinkError saying what is wrong. */
export async function decodeProject(fragment: string): Promise<Project> {
  const link = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (link.length > MAX_LINK_CHARS) {
    throw new ShareLinkError(`the link is ${link.length} characters; at most ${MAX_LINK_CHARS} are accepted`);
  }
  if (!link.startsWith(PREFIX)) {
    throw new ShareLinkError(`the address does not hold a playground project (a shared project starts with '#${PREFIX}')`);
  }
  const deflated = fromBase64Url(link.slice(PREFIX.length));
  let bytes: Uint8Array;
  try {
    bytes = await pipe(deflated, new DecompressionStream('deflate-raw'), MAX_PROJECT_BYTES);
  } catch (error) {
    if (error instanceof ShareLinkError) throw error;
    throw new ShareLinkError(`the link is damaged (its compressed data cannot be read: ${(error as Error).message})`, { cause: error });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ShareLinkError('the link is damaged (it does not hold UTF-8 text)', { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text, (key, item: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new ShareLinkError(`the link holds the key '${key}', which is refused`);
      return item;
    });
  } catch (error) {
    if (error instanceof ShareLinkError) throw error;
    throw new ShareLinkError(`the link is damaged (its JSON cannot be read: ${(error as Error).message})`, { cause: error });
  }
  return checkedProject(value);
}

/** encodeProject and decodeProject as the page's share codec. */
export const shareCodec = { encode: encodeProject, decode: decodeProject };

/** A fresh Project holding only the known fields, each of the right type. */
function checkedProject(value: unknown): Project {
  if (!isRecord(value)) throw new ShareLinkError('the link does not hold a project (an object was expected)');
  const known = new Set<string>([...TEXT_FIELDS, 'options']);
  const unknown = Object.keys(value).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new ShareLinkError(`the project has unknown fields: ${unknown.join(', ')}`);
  const texts = TEXT_FIELDS.map((field) => {
    const text = Object.hasOwn(value, field) ? value[field] : undefined;
    if (typeof text !== 'string') throw new ShareLinkError(`the project's '${field}' must be text, not ${describe(text)}`);
    return text;
  });
  const [title, context, processes, workflow, recipe] = texts as [string, string, string, string, string];
  const project: Project = { title, context, processes, workflow, recipe };
  if (value.options !== undefined) project.options = checkedOptions(value.options);
  return project;
}

function checkedOptions(value: unknown): NonNullable<Project['options']> {
  if (!isRecord(value)) throw new ShareLinkError(`the project's 'options' must be an object, not ${describe(value)}`);
  const unknown = Object.keys(value).filter((key) => key !== 'strictMode' && key !== 'maxRetries');
  if (unknown.length > 0) throw new ShareLinkError(`the project's options have unknown fields: ${unknown.join(', ')}`);
  const options: NonNullable<Project['options']> = {};
  const { strictMode, maxRetries } = value;
  if (strictMode !== undefined) {
    if (typeof strictMode !== 'boolean') throw new ShareLinkError(`options.strictMode must be true or false, not ${describe(strictMode)}`);
    options.strictMode = strictMode;
  }
  if (maxRetries !== undefined) {
    if (!Number.isSafeInteger(maxRetries) || (maxRetries as number) < 0) {
      throw new ShareLinkError(`options.maxRetries must be a non-negative integer, not ${describe(maxRetries)}`);
    }
    options.maxRetries = maxRetries as number;
  }
  return options;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}

/** Runs bytes through a (de)compression stream, stopping once the output passes `limit` bytes. */
async function pipe(input: Uint8Array, transform: TransformStream<BufferSource, Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = new Blob([input as BlobPart]).stream().pipeThrough(transform).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      // Stop inflating now: the rest of a hostile link is never produced.
      await reader.cancel();
      throw new ShareLinkError(`the link inflates to more than ${limit} bytes, the most a project may hold`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode with one argument per byte overflows the stack on large input.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new ShareLinkError('the link is damaged (it holds characters a shared project never has; was it cut or re-encoded?)');
  }
  let binary: string;
  try {
    binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  } catch (error) {
    throw new ShareLinkError('the link is damaged (its length is wrong; was it cut?)', { cause: error });
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
