import { HrError, HrErrorCode } from '../hr.errors';

/**
 * The states of a record and the moves each allows. A refused move is `409` naming the allowed
 * next states; every life cycle of HR (candidates, jobs, applications, offers) is one of these.
 */
export class LifeCycle<S extends string> {
  constructor(
    /** What moves, as messages name it: `status`, `job`, `offer`. */
    private readonly subject: string,
    private readonly next: Readonly<Record<S, readonly S[]>>,
    /** The request field a refusal is about, when the move is asked for by one. */
    private readonly field?: string,
  ) {}

  allowedAfter(from: S): readonly S[] {
    return this.next[from];
  }

  canMove(from: S, to: S): boolean {
    return this.next[from].includes(to);
  }

  /** Throws the 409 naming the allowed next states unless `from → to` is a move. */
  assertMove(from: S, to: S): void {
    if (!this.canMove(from, to)) throw this.illegalMove(from, to);
  }

  /**
   * The 409 of a refused move. `asked` names what asked for it when that is not the life cycle's
   * own route (an accepted offer moving the candidate): its subject, and its field if any.
   */
  illegalMove(from: S, to: S, asked?: { subject: string; field?: string }): HrError {
    const allowed = this.next[from];
    return new HrError(
      HrErrorCode.IllegalStatusTransition,
      `${asked?.subject ?? this.subject} cannot go from ${from} to ${to}; allowed next states: ${
        allowed.length ? allowed.join(', ') : `none (${from} is final)`
      }`,
      asked ? asked.field : this.field,
    );
  }

  /** The fewest moves that lead from `from` to `to` (without `from`); null when none do. */
  path(from: S, to: S): S[] | null {
    const cameFrom = new Map<S, S | null>([[from, null]]);
    const queue: S[] = [from];
    for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
      if (state === to && state !== from) break;
      for (const next of this.next[state]) {
        if (cameFrom.has(next)) continue;
        cameFrom.set(next, state);
        queue.push(next);
      }
    }
    if (from === to || !cameFrom.has(to)) return null;
    const moves: S[] = [];
    for (let state: S | null = to; state !== null && state !== from; state = cameFrom.get(state)!) {
      moves.unshift(state);
    }
    return moves;
  }
}
