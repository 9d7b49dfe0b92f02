import { Injectable } from '@nestjs/common';
import type { HrTransaction } from '../common/hr-unit-of-work';
import type { Candidate } from './candidate.entity';
import { CandidateRepository } from './candidate.repository';
import { CANDIDATE_LIFE_CYCLE, type CandidateStatus } from './candidate-status';

/**
 * The one writer of a candidate's status: every move is checked against the life cycle and
 * published as `candidate.status_changed` in the caller's transaction, whoever asks for it (the
 * status route, or an accepted offer).
 */
@Injectable()
export class CandidateLifeCycle {
  constructor(private readonly candidates: CandidateRepository) {}

  /** One move (409 listing the allowed next states otherwise). */
  async move(
    tx: HrTransaction,
    companyId: string,
    id: string,
    newStatus: CandidateStatus,
  ): Promise<Candidate> {
    const candidate = await this.locked(tx, companyId, id);
    CANDIDATE_LIFE_CYCLE.assertMove(candidate.status, newStatus);
    return this.moveAlong(tx, companyId, candidate, [newStatus]);
  }

  /**
   * Brings the candidate to `target` through the life cycle: each state on the way is a move of
   * its own, with its own `candidate.status_changed`, in order (a candidate in `offer` makes one
   * move to `hired`; one still `new` makes four). 409 when the life cycle cannot get there.
   */
  async advanceTo(
    tx: HrTransaction,
    companyId: string,
    id: string,
    target: CandidateStatus,
  ): Promise<Candidate> {
    const candidate = await this.locked(tx, companyId, id);
    const path = CANDIDATE_LIFE_CYCLE.path(candidate.status, target);
    if (!path) {
      throw CANDIDATE_LIFE_CYCLE.illegalMove(candidate.status, target, {
        subject: "the candidate's status",
      });
    }
    return this.moveAlong(tx, companyId, candidate, path);
  }

  /** Locked: two concurrent moves from the same state cannot both succeed. */
  private async locked(tx: HrTransaction, companyId: string, id: string): Promise<Candidate> {
    return this.candidates.getForCompany(companyId, id, tx.manager, 'pessimistic_write');
  }

  /** One update to the last state of `path`, and one `candidate.status_changed` per move on it. */
  private async moveAlong(
    tx: HrTransaction,
    companyId: string,
    candidate: Candidate,
    path: readonly CandidateStatus[],
  ): Promise<Candidate> {
    // Read first: the update writes the new status into `candidate` too.
    let oldStatus = candidate.status;
    const moved = await this.candidates.updateForCompany(
      companyId,
      candidate,
      { status: path[path.length - 1] },
      tx.manager,
    );
    for (const newStatus of path) {
      await tx.publish('candidate.status_changed', { candidateId: moved.id, oldStatus, newStatus });
      oldStatus = newStatus;
    }
    return moved;
  }
}
