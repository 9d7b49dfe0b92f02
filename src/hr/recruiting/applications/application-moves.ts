import { Injectable } from '@nestjs/common';
import { CandidateRepository } from '../../candidates/candidate.repository';
import type { HrTransaction } from '../../common/hr-unit-of-work';
import { JobRepository } from '../jobs/job.repository';
import type { JobApplication } from './application.entity';
import { ApplicationRepository } from './application.repository';
import { APPLICATION_LIFE_CYCLE, type ApplicationStatus } from './application-status';
import { matchSkills } from './match-score';

/**
 * The one writer of an application's status: every move is checked against the life cycle and
 * published as `application.reviewed` in the caller's transaction, whoever asks for it (the status
 * route, or an accepted offer); a move to `shortlisted` also publishes `candidate.matched`.
 */
@Injectable()
export class ApplicationMoves {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly jobs: JobRepository,
    private readonly candidates: CandidateRepository,
  ) {}

  /**
   * Moves an application locked for update in the transaction (409 naming the allowed next
   * states otherwise). `asked` names what asked for the move when it is not the status route.
   */
  async move(
    tx: HrTransaction,
    companyId: string,
    application: JobApplication,
    newStatus: ApplicationStatus,
    asked?: { subject: string },
  ): Promise<JobApplication> {
    const oldStatus = application.status;
    if (!APPLICATION_LIFE_CYCLE.canMove(oldStatus, newStatus)) {
      throw APPLICATION_LIFE_CYCLE.illegalMove(oldStatus, newStatus, asked);
    }
    const moved = await this.applications.updateForCompany(
      companyId,
      application,
      { status: newStatus },
      tx.manager,
    );
    const { id: applicationId, jobId, candidateId } = moved;
    await tx.publish('application.reviewed', {
      applicationId,
      jobId,
      candidateId,
      oldStatus,
      newStatus,
    });
    if (newStatus === 'shortlisted') await this.publishMatch(tx, companyId, moved);
    return moved;
  }

  /** The candidate matched to the job, scored on the skills as they are now. */
  private async publishMatch(
    tx: HrTransaction,
    companyId: string,
    application: JobApplication,
  ): Promise<void> {
    const job = await this.jobs.getForCompany(companyId, application.jobId, tx.manager);
    const candidate = await this.candidates.getForCompany(
      companyId,
      application.candidateId,
      tx.manager,
    );
    const { score, matchedSkills } = matchSkills(job.skills, candidate.skills);
    await tx.publish('candidate.matched', {
      candidateId: candidate.id,
      jobId: job.id,
      applicationId: application.id,
      score,
      matchedSkills,
    });
  }
}
