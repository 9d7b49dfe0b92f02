import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HrUnitOfWork, type HrTransaction } from '../../common/hr-unit-of-work';
import { HrError, HrErrorCode } from '../../hr.errors';
import type { JobApplication } from '../applications/application.entity';
import { ApplicationRepository } from '../applications/application.repository';
import { isOpen } from '../applications/application-status';
import type { InterviewDto } from './dto/interview.dto';
import type { RescheduleInterviewDto } from './dto/reschedule-interview.dto';
import type { ScheduleInterviewDto } from './dto/schedule-interview.dto';
import type { Interview } from './interview.entity';
import { InterviewRepository } from './interview.repository';

function toInterviewDto(row: Interview): InterviewDto {
  return {
    id: row.id,
    applicationId: row.applicationId,
    kind: row.kind,
    scheduledAt: row.scheduledAt,
    interviewers: row.interviewers,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Interviews of open applications: scheduling one, and each reschedule, emits
 * `interview.scheduled` (a reschedule with the time it had) in the same transaction.
 */
@Injectable()
export class InterviewsService {
  constructor(
    private readonly unitOfWork: HrUnitOfWork,
    private readonly interviews: InterviewRepository,
    private readonly applications: ApplicationRepository,
  ) {}

  async schedule(
    companyId: string,
    applicationId: string,
    body: ScheduleInterviewDto,
  ): Promise<InterviewDto> {
    const row = await this.unitOfWork.run(companyId, async (tx) => {
      const application = await this.openApplication(companyId, applicationId, tx.manager);
      const interview = await this.interviews.insertForCompany(
        companyId,
        {
          applicationId: application.id,
          kind: body.kind,
          scheduledAt: new Date(body.scheduledAt),
          interviewers: body.interviewers,
        },
        tx.manager,
      );
      await publishScheduled(tx, interview, application, null);
      return interview;
    });
    return toInterviewDto(row);
  }

  async get(companyId: string, id: string): Promise<InterviewDto> {
    return toInterviewDto(await this.interviews.getForCompany(companyId, id));
  }

  /** Moves the interview to another time; the same time changes nothing and emits nothing. */
  async reschedule(
    companyId: string,
    id: string,
    body: RescheduleInterviewDto,
  ): Promise<InterviewDto> {
    const row = await this.unitOfWork.run(companyId, async (tx) => {
      // Locked: of two concurrent reschedules, the second sees the first's time as the previous.
      const interview = await this.interviews.getForCompany(
        companyId,
        id,
        tx.manager,
        'pessimistic_write',
      );
      const application = await this.openApplication(
        companyId,
        interview.applicationId,
        tx.manager,
      );
      const scheduledAt = new Date(body.scheduledAt);
      const previous = interview.scheduledAt;
      if (scheduledAt.getTime() === previous.getTime()) return interview;
      const moved = await this.interviews.updateForCompany(
        companyId,
        interview,
        { scheduledAt },
        tx.manager,
      );
      await publishScheduled(tx, moved, application, previous);
      return moved;
    });
    return toInterviewDto(row);
  }

  /**
   * The application, share-locked (a concurrent move, which locks it for update, waits or goes
   * first), if it is still open: 409 when it is hired, rejected or withdrawn.
   */
  private async openApplication(
    companyId: string,
    id: string,
    manager: EntityManager,
  ): Promise<JobApplication> {
    const application = await this.applications.getForCompany(
      companyId,
      id,
      manager,
      'pessimistic_read',
    );
    if (!isOpen(application.status)) {
      throw new HrError(
        HrErrorCode.ApplicationNotOpen,
        `The application is ${application.status}: interviews are for open applications only (submitted, reviewed, shortlisted)`,
      );
    }
    return application;
  }
}

function publishScheduled(
  tx: HrTransaction,
  interview: Interview,
  application: JobApplication,
  previous: Date | null,
): Promise<void> {
  return tx.publish('interview.scheduled', {
    interviewId: interview.id,
    applicationId: application.id,
    jobId: application.jobId,
    candidateId: application.candidateId,
    kind: interview.kind,
    scheduledAt: interview.scheduledAt.toISOString(),
    interviewers: interview.interviewers,
    previousScheduledAt: previous ? previous.toISOString() : null,
  });
}
