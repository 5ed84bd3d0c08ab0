/**
 * Records in a file, each framed by its length (written twice, the second
 * time inverted) and a CRC-32 of its bytes, so that a write cut short by a
 * crash is told from a whole record and a damaged one, and a damaged length
 * is never taken for the end of the file.
 */

const HEADER = 12;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (the IEEE polynomial, as zlib's). */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A record framed: its length, the length inverted, its checksum (little-endian u32 each), then its bytes. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, ~payload.length >>> 0, true);
  view.setUint32(8, crc32(payload), true);
  out.set(payload, HEADER);
  return out;
}

/** What {@link readFrames} found. */
export interface Framed {
  records: Uint8Array[];
  /** Where the whole records end: a torn tail starts here. */
  end: number;
  /** A damaged record with more after it: its offset. */
  damagedAt?: number;
}

/**
 * The records from `start` on. A record cut off by the end of the bytes, a
 * bad last record, or a bad record followed by zeros only (a file extended
 * before its data reached the disk) is a torn last write: dropped. A bad
 * record with anything else after it is damage.
 */
export function readFrames(bytes: Uint8Array, start: number): Framed {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let at = start;
  while (at < bytes.length) {
    const headed = at + HEADER <= bytes.length;
    const length = headed ? view.getUint32(at, true) : 0;
    const lengthOk = headed && length > 0 && view.getUint32(at + 4, true) === ~length >>> 0;
    const next = at + HEADER + length;
    const payload = lengthOk && next <= bytes.length ? bytes.subarray(at + HEADER, next) : undefined;
    if (payload === undefined || crc32(payload) !== view.getUint32(at + 8, true)) {
      const cutOff = !headed || (lengthOk && next >= bytes.length);
      const torn = cutOff || bytes.subarray(at).every((b) => b === 0);
      return torn ? { records, end: at } : { records, end: at, damagedAt: at };
    }
    records.push(payload);
    at = next;
  }
  return { records, end: at };
}
