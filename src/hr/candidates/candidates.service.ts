import { Injectable } from '@nestjs/common';
import { HrCursors } from '../common/hr-cursors';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { pageOfList } from '../common/newest-first';
import { isUniqueViolation } from '../common/unique-violation';
import { HrError, HrErrorCode } from '../hr.errors';
import type { Candidate } from './candidate.entity';
import { CandidateLifeCycle } from './candidate-life-cycle';
import { changedValues, profileChanges } from './candidate-profile';
import { CandidateRepository } from './candidate.repository';
import type { CandidateStatus } from './candidate-status';
import type { CandidateDto, CandidatePageDto } from './dto/candidate.dto';
import type { CreateCandidateDto } from './dto/create-candidate.dto';
import type { UpdateCandidateDto } from './dto/update-candidate.dto';

function toCandidateDto(row: Candidate): CandidateDto {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    skills: row.skills,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Candidates, their profile and their hiring life cycle. Each change and its webhook event are
 * written in one transaction; the in-process `hr.*` event follows the commit (see HrUnitOfWork).
 */
@Injectable()
export class CandidatesService {
  constructor(
    private readonly unitOfWork: HrUnitOfWork,
    private readonly candidates: CandidateRepository,
    private readonly lifeCycle: CandidateLifeCycle,
    private readonly cursors: HrCursors,
  ) {}

  /** Registers a candidate (status `new`) and emits `candidate.created`. */
  async create(companyId: string, body: CreateCandidateDto): Promise<CandidateDto> {
    const row = await refusingDuplicateEmails(() =>
      this.unitOfWork.run(companyId, async ({ manager, publish }) => {
        const created = await this.candidates.insertForCompany(
          companyId,
          { firstName: body.firstName, lastName: body.lastName, email: body.email.toLowerCase() },
          manager,
        );
        await publish('candidate.created', {
          candidateId: created.id,
          firstName: created.firstName,
          lastName: created.lastName,
          email: created.email,
          status: 'new',
          createdAt: created.createdAt.toISOString(),
        });
        return created;
      }),
    );
    return toCandidateDto(row);
  }

  /** Newest first, `limit` a page, from the `cursor` of the previous page. */
  async list(companyId: string, limit: number, cursor?: string): Promise<CandidatePageDto> {
    return pageOfList(
      this.cursors,
      `hr_candidates:${companyId}`,
      { limit, cursor },
      (after, size) => this.candidates.pageForCompany(companyId, after, size),
      toCandidateDto,
    );
  }

  async get(companyId: string, id: string): Promise<CandidateDto> {
    return toCandidateDto(await this.candidates.getForCompany(companyId, id));
  }

  /**
   * Edits the profile and emits `candidate.updated` with the changed fields, old and new values.
   * An edit that changes nothing writes nothing and emits nothing.
   */
  async update(companyId: string, id: string, body: UpdateCandidateDto): Promise<CandidateDto> {
    const row = await refusingDuplicateEmails(() =>
      this.unitOfWork.run(companyId, async ({ manager, publish }) => {
        // Locked: of two concurrent edits, the second compares against what the first wrote.
        const candidate = await this.candidates.getForCompany(
          companyId,
          id,
          manager,
          'pessimistic_write',
        );
        const changes = profileChanges(candidate, body);
        if (Object.keys(changes).length === 0) return candidate;
        const updated = await this.candidates.updateForCompany(
          companyId,
          candidate,
          changedValues(changes),
          manager,
        );
        await publish('candidate.updated', { candidateId: updated.id, changes });
        return updated;
      }),
    );
    return toCandidateDto(row);
  }

  /** Moves the candidate along the life cycle (409 listing the allowed moves otherwise). */
  async changeStatus(
    companyId: string,
    id: string,
    newStatus: CandidateStatus,
  ): Promise<CandidateDto> {
    const row = await this.unitOfWork.run(companyId, (tx) =>
      this.lifeCycle.move(tx, companyId, id, newStatus),
    );
    return toCandidateDto(row);
  }
}

/** Runs a write that may give a candidate an email another candidate of the company has: 409. */
async function refusingDuplicateEmails<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, 'uq_hr_candidates_company_email')) {
      throw new HrError(
        HrErrorCode.DuplicateCandidateEmail,
        'email is already used by another candidate of your company',
        'email',
      );
    }
    throw error;
  }
}
