import { Injectable } from '@nestjs/common';
import { CandidateRepository } from '../../candidates/candidate.repository';
import { HrCursors } from '../../common/hr-cursors';
import { HrUnitOfWork } from '../../common/hr-unit-of-work';
import { pageOfList } from '../../common/newest-first';
import { isUniqueViolation } from '../../common/unique-violation';
import { HrError, HrErrorCode } from '../../hr.errors';
import { JobRepository } from '../jobs/job.repository';
import type { JobApplication } from './application.entity';
import { ApplicationMoves } from './application-moves';
import { ApplicationRepository } from './application.repository';
import type { ReviewStatus } from './application-status';
import type { ApplicationDto, ApplicationPageDto } from './dto/application.dto';
import type { CreateApplicationDto } from './dto/create-application.dto';

export function toApplicationDto(row: JobApplication): ApplicationDto {
  return {
    id: row.id,
    jobId: row.jobId,
    candidateId: row.candidateId,
    status: row.status,
    coverLetter: row.coverLetter,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Applications to published jobs (each emits `application.submitted`) and their life cycle (each
 * move emits `application.reviewed`, and a shortlisting `candidate.matched` too).
 */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly unitOfWork: HrUnitOfWork,
    private readonly applications: ApplicationRepository,
    private readonly moves: ApplicationMoves,
    private readonly jobs: JobRepository,
    private readonly candidates: CandidateRepository,
    private readonly cursors: HrCursors,
  ) {}

  /** A candidate applies to a published job (409 for a draft or closed one, or a second time). */
  async apply(
    companyId: string,
    jobId: string,
    body: CreateApplicationDto,
  ): Promise<ApplicationDto> {
    try {
      const row = await this.unitOfWork.run(companyId, async ({ manager, publish }) => {
        // Share-locked: a concurrent close (which locks the job for update) waits for this
        // application and counts it, or this one waits and then sees the job closed.
        const job = await this.jobs.getForCompany(companyId, jobId, manager, 'pessimistic_read');
        const candidate = await this.candidates.getForCompany(companyId, body.candidateId, manager);
        if (job.status !== 'published') {
          throw new HrError(
            HrErrorCode.JobNotPublished,
            `The job is ${job.status}: only a published job takes applications`,
          );
        }
        const created = await this.applications.insertForCompany(
          companyId,
          { jobId: job.id, candidateId: candidate.id, coverLetter: body.coverLetter ?? null },
          manager,
        );
        await publish('application.submitted', {
          applicationId: created.id,
          jobId: job.id,
          candidateId: candidate.id,
          status: 'submitted',
          submittedAt: created.createdAt.toISOString(),
        });
        return created;
      });
      return toApplicationDto(row);
    } catch (error) {
      if (isUniqueViolation(error, 'uq_hr_job_applications_job_candidate')) {
        throw new HrError(
          HrErrorCode.DuplicateApplication,
          'The candidate already applied to this job (one application per candidate and job)',
          'candidateId',
        );
      }
      throw error;
    }
  }

  /** The job's applications, newest first. */
  async listForJob(
    companyId: string,
    jobId: string,
    limit: number,
    cursor?: string,
  ): Promise<ApplicationPageDto> {
    await this.jobs.getForCompany(companyId, jobId);
    return pageOfList(
      this.cursors,
      `hr_job_applications:${companyId}:${jobId}`,
      { limit, cursor },
      (after, size) => this.applications.pageForJob(companyId, jobId, after, size),
      toApplicationDto,
    );
  }

  async get(companyId: string, id: string): Promise<ApplicationDto> {
    return toApplicationDto(await this.applications.getForCompany(companyId, id));
  }

  /** Moves the application along its life cycle (409 listing the allowed moves otherwise). */
  async changeStatus(
    companyId: string,
    id: string,
    newStatus: ReviewStatus,
  ): Promise<ApplicationDto> {
    const row = await this.unitOfWork.run(companyId, async (tx) => {
      // Locked: of two concurrent moves of one application, the second sees the first's.
      const application = await this.applications.getForCompany(
        companyId,
        id,
        tx.manager,
        'pessimistic_write',
      );
      return this.moves.move(tx, companyId, application, newStatus);
    });
    return toApplicationDto(row);
  }
}
