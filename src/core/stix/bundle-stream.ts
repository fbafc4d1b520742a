/**
 * Reading a STIX bundle as a stream of bytes, one object at a time, so a file of any size
 * imports in flat memory: only the object being read is held.
 *
 * The scanner follows JSON's structure (strings, escapes, nesting) without building values;
 * each element of the bundle's `objects` array is handed over as its own text with the byte
 * offsets where it starts and ends, and the caller parses it. That is what makes an import
 * resumable: a new scanner can start at the byte after the last object that was stored.
 *
 * Accepted shapes: a bundle (`{"type":"bundle", …, "objects":[…]}`, the `objects` key at any
 * position), a bare JSON array of objects, or one object alone (held whole, up to
 * MAX_SINGLE_BYTES).
 */

/** One element of the objects array, as text, with its byte range in the source. */
export interface ScannedElement {
  /** 0-based position in the objects array. */
  index: number;
  /** Byte offset of its first byte and of the byte after its last. */
  start: number;
  end: number;
  /** Its JSON text; `null` when the element is not an object (`kind` says what it is). */
  text: string | null;
  kind: 'object' | 'other';
}

/** Where a scan may resume: the byte after an element, at the array's element depth. */
export interface ResumePoint {
  offset: number;
  index: number;
  /** 1 for a bare array of objects, 2 for a bundle's `objects`. */
  depth: number;
}

export class BundleFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'BundleFormatError';
  }
}

/** A lone object is held whole; past this size it has to come inside a bundle. */
export const MAX_SINGLE_BYTES = 64 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

type Mode =
  | 'start' // before the first byte of the top-level value
  | 'prelude' // inside the top-level object, before its objects array
  | 'await-array' // just read `"objects":`
  | 'array' // inside the objects array
  | 'after'; // the objects array is closed

export class BundleScanner {
  private mode: Mode;
  private depth: number;
  private elementDepth: number;
  private inString = false;
  private escaped = false;
  private offset: number;
  private index: number;
  /** The element being read: its start, its bytes from earlier chunks, its kind. */
  private elementStart = -1;
  private elementKind: 'object' | 'array' | 'scalar' = 'object';
  private carried: Buffer[] = [];
  /** Prelude: the short string just closed at depth 1 (a key, perhaps) and where it began. */
  private stringStart = -1;
  private lastKey: string | null = null;
  private keyBytes: Buffer[] = [];
  /** A lone top-level object is kept until we know it is not a bundle. */
  private whole: Buffer[] = [];
  private wholeBytes = 0;
  private topLevelIsObject = false;
  private sawObjects = false;
  private finished = false;

  constructor(resume?: ResumePoint) {
    if (resume) {
      this.mode = 'array';
      this.depth = resume.depth - 1;
      this.elementDepth = resume.depth;
      this.offset = resume.offset;
      this.index = resume.index;
      this.sawObjects = true;
    } else {
      this.mode = 'start';
      this.depth = 0;
      this.elementDepth = 0;
      this.offset = 0;
      this.index = 0;
    }
  }

  /** Bytes consumed so far (absolute offset in the source). */
  get position(): number {
    return this.offset;
  }

  /** The element depth, for a later ResumePoint. */
  get arrayDepth(): number {
    return this.elementDepth;
  }

  /** Feeds the next chunk; returns the elements it completed. */
  push(chunk: Buffer): ScannedElement[] {
    const out: ScannedElement[] = [];
    const base = this.offset;
    if (this.mode === 'prelude') this.keep(chunk);
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) {
          this.inString = false;
          if (this.mode === 'prelude' && this.depth === 1 && this.stringStart >= 0) {
            this.lastKey = this.keyText(chunk, base, i);
          }
        }
        continue;
      }
      if (isSpace(byte)) continue;
      switch (this.mode) {
        case 'start':
          this.begin(byte, base + i, chunk, i);
          break;
        case 'prelude':
        case 'await-array':
        case 'after':
          this.structure(byte, base + i);
          break;
        case 'array':
          this.element(byte, base + i, chunk, i, out);
          break;
      }
    }
    if (this.elementStart >= 0) {
      const from = Math.max(0, this.elementStart - base);
      if (from < chunk.length) this.carried.push(chunk.subarray(from));
    }
    if (this.stringStart >= 0 && this.inString && this.mode === 'prelude') {
      const from = Math.max(0, this.stringStart - base);
      this.keyBytes.push(chunk.subarray(from));
    }
    this.offset = base + chunk.length;
    return out;
  }

  /** The end of the source: what a lone object yields, or an error if the JSON is cut short. */
  end(): ScannedElement[] {
    if (this.finished) return [];
    this.finished = true;
    if (this.mode === 'start') throw new BundleFormatError('The file is empty.', this.offset);
    if (this.inString || this.depth > 0) {
      throw new BundleFormatError(
        `The JSON ends early, at byte ${this.offset}, inside ${this.mode === 'array' ? `object ${this.index + 1}` : 'the bundle'}.`,
        this.offset,
      );
    }
    if (this.topLevelIsObject && !this.sawObjects) {
      const text = Buffer.concat(this.whole).toString('utf8');
      this.whole = [];
      return [{ index: 0, start: 0, end: this.offset, text, kind: 'object' }];
    }
    return [];
  }

  private keep(chunk: Buffer): void {
    this.wholeBytes += chunk.length;
    if (this.wholeBytes > MAX_SINGLE_BYTES && !this.sawObjects) {
      throw new BundleFormatError(
        `No "objects" array in the first ${MAX_SINGLE_BYTES} bytes: a file this large must be a STIX bundle.`,
        this.offset,
      );
    }
    this.whole.push(chunk);
  }

  private begin(byte: number, at: number, chunk: Buffer, i: number): void {
    if (byte === OPEN_BRACKET) {
      this.mode = 'array';
      this.depth = 1;
      this.elementDepth = 2;
      this.sawObjects = true;
      return;
    }
    if (byte === OPEN_BRACE) {
      this.mode = 'prelude';
      this.depth = 1;
      this.topLevelIsObject = true;
      this.keep(chunk.subarray(i));
      return;
    }
    throw new BundleFormatError(
      `Expected a STIX bundle, an array or an object, found ${JSON.stringify(String.fromCharCode(byte))} at byte ${at}.`,
      at,
    );
  }

  /** Outside the objects array: only nesting matters, and the key that opens the array. */
  private structure(byte: number, at: number): void {
    if (byte === QUOTE) {
      this.inString = true;
      this.stringStart = this.mode === 'prelude' && this.depth === 1 ? at + 1 : -1;
      this.keyBytes = [];
      return;
    }
    if (this.mode === 'await-array') {
      if (byte !== OPEN_BRACKET) {
        throw new BundleFormatError(`"objects" must be an array (byte ${at}).`, at);
      }
      this.mode = 'array';
      this.depth = 2;
      this.elementDepth = 3;
      this.sawObjects = true;
      this.whole = [];
      return;
    }
    if (byte === COLON && this.mode === 'prelude' && this.depth === 1) {
      if (this.lastKey === 'objects') this.mode = 'await-array';
      this.lastKey = null;
      return;
    }
    if (byte === COMMA) {
      this.lastKey = null;
      return;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      this.depth--;
      if (this.depth < 0) throw new BundleFormatError(`Unbalanced JSON at byte ${at}.`, at);
    }
  }

  private element(byte: number, at: number, chunk: Buffer, i: number, out: ScannedElement[]): void {
    const inside = this.depth - (this.elementDepth - 1); // 0: between elements
    if (inside === 0) {
      if (byte === COMMA) return;
      if (byte === CLOSE_BRACKET) {
        this.depth--;
        this.mode = 'after';
        return;
      }
      this.elementStart = at;
      this.carried = [];
      this.elementKind =
        byte === OPEN_BRACE ? 'object' : byte === OPEN_BRACKET ? 'array' : 'scalar';
      // A scalar counts as one level too, closed by the next comma or bracket.
      this.depth++;
      if (byte === QUOTE) {
        this.inString = true;
        this.stringStart = -1;
      }
      return;
    }
    if (
      this.elementKind === 'scalar' &&
      inside === 1 &&
      (byte === COMMA || byte === CLOSE_BRACKET)
    ) {
      // a scalar (or array) element ends where the next separator is
      this.finish(at, chunk, i, out, false);
      this.depth--;
      if (byte === CLOSE_BRACKET) {
        this.depth--;
        this.mode = 'after';
      }
      return;
    }
    if (byte === QUOTE) {
      this.inString = true;
      this.stringStart = -1;
      return;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      this.depth++;
      return;
    }
    if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      this.depth--;
      if (this.depth === this.elementDepth - 1) {
        this.finish(at + 1, chunk, i + 1, out, this.elementKind === 'object');
      } else if (this.depth < this.elementDepth - 1) {
        throw new BundleFormatError(`Unbalanced JSON at byte ${at}.`, at);
      }
    }
  }

  private finish(
    end: number,
    chunk: Buffer,
    endInChunk: number,
    out: ScannedElement[],
    isObject: boolean,
  ): void {
    const startInChunk = this.elementStart - (end - endInChunk);
    let bytes: Buffer;
    if (startInChunk >= 0) bytes = chunk.subarray(startInChunk, endInChunk);
    else bytes = Buffer.concat([...this.carried, chunk.subarray(0, endInChunk)]);
    out.push({
      index: this.index,
      start: this.elementStart,
      end,
      text: isObject ? bytes.toString('utf8') : null,
      kind: isObject ? 'object' : 'other',
    });
    this.index++;
    this.elementStart = -1;
    this.carried = [];
  }

  private keyText(chunk: Buffer, base: number, quoteAt: number): string | null {
    const from = this.stringStart - base;
    const bytes =
      from >= 0
        ? chunk.subarray(from, quoteAt)
        : Buffer.concat([...this.keyBytes, chunk.subarray(0, quoteAt)]);
    this.stringStart = -1;
    this.keyBytes = [];
    return bytes.length <= 16 ? bytes.toString('utf8') : null;
  }
}
