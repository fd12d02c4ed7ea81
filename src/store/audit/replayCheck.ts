// The checks `fedflow replay` makes on an export before anything of it is kept, line by line
// (pure: no files). Each event's hash must be the hash of its own content chained to the previous
// hash it names; consecutive events must chain to each other; a checkpoint must sign the event it
// follows with a valid signature; the end line must count what came before it. The first line
// that fails is named: its position, stream, revision and type.
import { eventHash, GENESIS_HASH } from './chain.js';
import { checkpointSignatureValid, type Checkpoint } from './checkpoint.js';
import { chainedFieldsOf, checkpointOf, describeEvent, type ExportedTable, type ExportEnd, type ExportHeader, type ExportLine, type StoredEventRow } from './exportFormat.js';

/** The export is not what its origin wrote (or not an export at all). */
export class ReplayRefusedError extends Error {
  override readonly name = 'ReplayRefusedError';
  constructor(
    message: string,
    /** The event the refusal is about, when there is one. */
    readonly position?: string,
  ) {
    super(message);
  }
}

/** An event as it will be stored: an exported row whose hash the check has confirmed. */
export type ReplayRow = StoredEventRow & { readonly hash: string };

export type ReplayStep =
  | { readonly kind: 'event'; readonly row: ReplayRow; readonly gapBefore?: { readonly previousHash: string } }
  | { readonly kind: 'checkpoint'; readonly checkpoint: Checkpoint }
  | { readonly kind: 'table'; readonly table: ExportedTable }
  | { readonly kind: 'none' };

export class ExportChecker {
  private header: ExportHeader | undefined;
  private end: ExportEnd | undefined;
  private last: { position: bigint; hash: string; text: string } | undefined;
  private events = 0;
  private checkpoints = 0;
  private gaps = 0;

  get summary(): { header: ExportHeader | undefined; end: ExportEnd | undefined; events: number; checkpoints: number; gaps: number } {
    return { header: this.header, end: this.end, events: this.events, checkpoints: this.checkpoints, gaps: this.gaps };
  }

  /** Checks one parsed line (in file order) and says what to store for it. */
  accept(line: ExportLine, lineNumber: number): ReplayStep {
    if (this.end) throw new ReplayRefusedError(`line ${lineNumber}: a ${line.kind} line after the end line (lines were appended to the export)`);
    if (!this.header && line.kind !== 'header') throw new ReplayRefusedError(`line ${lineNumber}: the export must start with its header line, found a ${line.kind} line`);
    switch (line.kind) {
      case 'header':
        if (this.header) throw new ReplayRefusedError(`line ${lineNumber}: a second header line`);
        this.header = line;
        return { kind: 'none' };
      case 'event': {
        const f = chainedFieldsOf(line);
        const position = BigInt(line.position);
        const name = describeEvent(line);
        if (this.last && position <= this.last.position) {
          throw new ReplayRefusedError(`${name} is out of order: it follows position ${this.last.position} (events were moved or repeated)`, line.position);
        }
        if (eventHash(line.previous_hash, f) !== line.hash) {
          throw new ReplayRefusedError(`${name} was changed: its hash does not match its content`, line.position);
        }
        const follows = this.last ? position === this.last.position + 1n : position === 1n;
        const expectedPrevious = this.last ? this.last.hash : GENESIS_HASH;
        if (follows && line.previous_hash !== expectedPrevious) {
          throw new ReplayRefusedError(`${name} is not chained to the event before it (the event before it was changed, or one was removed or inserted)`, line.position);
        }
        // A whole log has no holes: a hole there is a removal, not a selection.
        if (!follows && this.header && Object.keys(this.header.filter ?? {}).length === 0) {
          const from = (this.last?.position ?? 0n) + 1n;
          throw new ReplayRefusedError(`${name}: ${position - from} event(s) missing before it (positions ${from}..${position - 1n}) in an export of the whole log`, line.position);
        }
        this.last = { position, hash: line.hash, text: name };
        this.events += 1;
        const row: ReplayRow = {
          position: Number(position), streamId: line.stream, revision: Number(line.revision), eventId: line.id, type: line.type,
          data: f.dataText, metadata: f.metadataText, created: line.created, hash: line.hash,
        };
        if (follows) return { kind: 'event', row };
        this.gaps += 1;
        return { kind: 'event', row, gapBefore: { previousHash: line.previous_hash } };
      }
      case 'checkpoint': {
        const cp = checkpointOf(line);
        if (!this.last || this.last.position !== cp.position) {
          throw new ReplayRefusedError(`line ${lineNumber}: the checkpoint at position ${line.position} does not follow its event (the export was reordered or cut)`, line.position);
        }
        if (!checkpointSignatureValid(cp)) throw new ReplayRefusedError(`the checkpoint at position ${line.position} has an invalid signature (forged or edited)`, line.position);
        if (cp.hash !== this.last.hash) {
          throw new ReplayRefusedError(`the ${this.last.text} is not the one the checkpoint signed at ${new Date(cp.created).toISOString()} (the log was changed, then re-hashed)`, line.position);
        }
        this.checkpoints += 1;
        return { kind: 'checkpoint', checkpoint: cp };
      }
      case 'table':
        return { kind: 'table', table: line };
      case 'end':
        if (line.events !== this.events || line.checkpoints !== this.checkpoints) {
          throw new ReplayRefusedError(`the end line counts ${line.events} events and ${line.checkpoints} checkpoints, the export holds ${this.events} and ${this.checkpoints} (lines were removed or added)`);
        }
        if ((line.head_hash ?? null) !== (this.last?.hash ?? null)) throw new ReplayRefusedError('the end line names another last event than the export\'s (the tail was replaced)');
        this.end = line;
        return { kind: 'none' };
    }
  }

  /** After the last line: the export must have ended with its end line. */
  finish(lines: number): void {
    if (!this.header) throw new ReplayRefusedError('the export is empty (no header line)');
    if (!this.end) throw new ReplayRefusedError(`the export is cut short: no end line after line ${lines}${this.last ? ` (the last event read is the ${this.last.text})` : ''}`);
  }
}
