import {
  BundleScanner,
  type ResumePoint,
  type ScannedElement,
} from '../../../core/stix/bundle-stream.js';
import { IMPORT_BATCH } from './import.batch.js';
import { prepareElement, type PrepareContext } from './import.prepare.js';
import type { PreparedBatch } from './import.preparer.js';

/**
 * A bundle's bytes in, prepared batches out: the scanner (core/stix/bundle-stream.ts) cuts
 * the elements, every IMPORT_BATCH of them are prepared together, and each batch carries
 * the point after its last element, where a later run resumes once it is stored.
 */
export class BatchScanner {
  private readonly scanner: BundleScanner;
  private pending: ScannedElement[] = [];
  /** The index after the last element handed on, for a batch that ends the source. */
  private nextIndex: number;

  constructor(
    resume: ResumePoint | undefined,
    private readonly context: PrepareContext,
  ) {
    this.scanner = resume && resume.offset > 0 ? new BundleScanner(resume) : new BundleScanner();
    this.nextIndex = resume?.index ?? 0;
  }

  push(chunk: Buffer): PreparedBatch[] {
    const out: PreparedBatch[] = [];
    for (const element of this.scanner.push(chunk)) {
      this.pending.push(element);
      if (this.pending.length >= IMPORT_BATCH) out.push(this.batch(element.end));
    }
    return out;
  }

  /** The source's end: the last batch, if any (throws if the JSON is cut short). */
  end(): PreparedBatch[] {
    this.pending.push(...this.scanner.end());
    return this.pending.length > 0 ? [this.batch(this.scanner.position)] : [];
  }

  private batch(end: number): PreparedBatch {
    const elements = this.pending;
    this.pending = [];
    const last = elements[elements.length - 1];
    if (last) this.nextIndex = last.index + 1;
    return {
      prepared: elements.map((element) => prepareElement(element, this.context)),
      resume: { offset: end, index: this.nextIndex, depth: this.scanner.arrayDepth },
    };
  }
}
