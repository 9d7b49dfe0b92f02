import { Injectable } from '@nestjs/common';
import { HrCursors } from '../../common/hr-cursors';
import { HrUnitOfWork, type HrTransaction } from '../../common/hr-unit-of-work';
import { pageOfList } from '../../common/newest-first';
import { ApplicationRepository } from '../applications/application.repository';
import type { JobPostingData } from '../recruiting-event-data';
import type { CreateJobDto } from './dto/create-job.dto';
import type { JobDto, JobPageDto } from './dto/job.dto';
import type { Job } from './job.entity';
import { JobRepository } from './job.repository';
import { JOB_LIFE_CYCLE, type JobCloseReason, type JobStatus } from './job-status';

function toJobDto(row: Job): JobDto {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    location: row.location,
    contractType: row.contractType,
    salaryMin: row.salaryMin,
    salaryMax: row.salaryMax,
    skills: row.skills,
    status: row.status,
    closeReason: row.closeReason,
    publishedAt: row.publishedAt,
    closedAt: row.closedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function postingOf(job: Job, publishedAt: Date): JobPostingData {
  return {
    jobId: job.id,
    title: job.title,
    description: job.description,
    location: job.location,
    contractType: job.contractType,
    salaryMin: job.salaryMin,
    salaryMax: job.salaryMax,
    skills: job.skills,
    publishedAt: publishedAt.toISOString(),
  };
}

/**
 * Job postings: written as drafts (emit nothing), published (`job.published` and
 * `job_posting.published`, the same data under both names) and closed (`job.closed`, with the
 * applications counted by state), each change with its events in one transaction.
 */
@Injectable()
export class JobsService {
  constructor(
    private readonly unitOfWork: HrUnitOfWork,
    private readonly jobs: JobRepository,
    private readonly applications: ApplicationRepository,
    private readonly cursors: HrCursors,
  ) {}

  async create(companyId: string, body: CreateJobDto): Promise<JobDto> {
    const row = await this.jobs.insertForCompany(companyId, {
      title: body.title,
      description: body.description,
      location: body.location,
      contractType: body.contractType,
      salaryMin: body.salaryMin ?? null,
      salaryMax: body.salaryMax ?? null,
      skills: body.skills ?? [],
    });
    return toJobDto(row);
  }

  /** Newest first, `limit` a page, from the `cursor` of the previous page. */
  async list(companyId: string, limit: number, cursor?: string): Promise<JobPageDto> {
    return pageOfList(
      this.cursors,
      `hr_jobs:${companyId}`,
      { limit, cursor },
      (after, size) => this.jobs.pageForCompany(companyId, after, size),
      toJobDto,
    );
  }

  async get(companyId: string, id: string): Promise<JobDto> {
    return toJobDto(await this.jobs.getForCompany(companyId, id));
  }

  /** draft → published: it takes applications from now on. */
  async publish(companyId: string, id: string): Promise<JobDto> {
    return this.move(companyId, id, 'published', async (tx, job) => {
      const publishedAt = new Date();
      const published = await this.jobs.updateForCompany(
        companyId,
        job,
        { status: 'published', publishedAt },
        tx.manager,
      );
      const posting = postingOf(published, publishedAt);
      await tx.publish('job.published', posting);
      await tx.publish('job_posting.published', posting);
      return published;
    });
  }

  /** published → closed, for good; the event counts the job's applications by state. */
  async close(companyId: string, id: string, reason: JobCloseReason): Promise<JobDto> {
    return this.move(companyId, id, 'closed', async (tx, job) => {
      const closedAt = new Date();
      const applications = await this.applications.countByStatusForJob(
        companyId,
        job.id,
        tx.manager,
      );
      const closed = await this.jobs.updateForCompany(
        companyId,
        job,
        { status: 'closed', closeReason: reason, closedAt },
        tx.manager,
      );
      await tx.publish('job.closed', {
        jobId: closed.id,
        reason,
        closedAt: closedAt.toISOString(),
        applications,
      });
      return closed;
    });
  }

  /** Locks the job, checks the move against its life cycle (409), then makes it. */
  private async move(
    companyId: string,
    id: string,
    to: JobStatus,
    change: (tx: HrTransaction, job: Job) => Promise<Job>,
  ): Promise<JobDto> {
    const row = await this.unitOfWork.run(companyId, async (tx) => {
      // Locked for update: concurrent moves of one job are made one after the other, and an
      // application (which share-locks the job) is counted by a close or sees the job closed.
      const job = await this.jobs.getForCompany(companyId, id, tx.manager, 'pessimistic_write');
      JOB_LIFE_CYCLE.assertMove(job.status, to);
      return change(tx, job);
    });
    return toJobDto(row);
  }
}
