import { Injectable } from '@nestjs/common';
import { HrCursors } from '../common/hr-cursors';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { isRowId } from '../common/ids';
import { isUniqueViolation } from '../common/unique-violation';
import { HrError, HrErrorCode } from '../hr.errors';
import type { Candidate } from './candidate.entity';
import { CandidateRepository } from './candidate.repository';
import { canMove, NEXT_STATUSES, type CandidateStatus } from './candidate-status';
import type { CandidateDto, CandidatePageDto } from './dto/candidate.dto';
import type { CreateCandidateDto } from './dto/create-candidate.dto';

function toCandidateDto(row: Candidate): CandidateDto {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Candidates and their hiring life cycle. Each change and its webhook event are written in one
 * transaction; the in-process `hr.*` event follows the commit (see HrUnitOfWork).
 */
@Injectable()
export class CandidatesService {
  constructor(
    private readonly unitOfWork: HrUnitOfWork,
    private readonly candidates: CandidateRepository,
    private readonly cursors: HrCursors,
  ) {}

  /** Registers a candidate (status `new`) and emits `candidate.created`. */
  async create(companyId: string, body: CreateCandidateDto): Promise<CandidateDto> {
    try {
      const row = await this.unitOfWork.run(companyId, async ({ manager, publish }) => {
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
      });
      return toCandidateDto(row);
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

  /** Newest first, `limit` a page, from the `cursor` of the previous page. */
  async list(companyId: string, limit: number, cursor?: string): Promise<CandidatePageDto> {
    const scope = `hr_candidates:${companyId}`;
    const after = cursor ? this.cursors.decode(cursor, scope) : null;
    if (cursor && !after) {
      throw new HrError(HrErrorCode.InvalidCursor, 'cursor was not issued by this API', 'cursor');
    }
    const page = await this.candidates.pageForCompany(companyId, after, limit);
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map(toCandidateDto),
      nextCursor: page.hasMore && last ? this.cursors.encode(last, scope) : null,
    };
  }

  async get(companyId: string, id: string): Promise<CandidateDto> {
    const row = isRowId(id) ? await this.candidates.findOneForCompany(companyId, id) : null;
    if (!row) throw candidateNotFound();
    return toCandidateDto(row);
  }

  /** Moves the candidate along the life cycle (409 listing the allowed moves otherwise). */
  async changeStatus(
    companyId: string,
    id: string,
    newStatus: CandidateStatus,
  ): Promise<CandidateDto> {
    if (!isRowId(id)) throw candidateNotFound();
    const row = await this.unitOfWork.run(companyId, async ({ manager, publish }) => {
      // Locked: two concurrent moves from the same state cannot both succeed.
      const candidate = await this.candidates.findOneForCompany(
        companyId,
        id,
        manager,
        'pessimistic_write',
      );
      if (!candidate) throw candidateNotFound();
      const oldStatus = candidate.status;
      if (!canMove(oldStatus, newStatus)) {
        const allowed = NEXT_STATUSES[oldStatus];
        throw new HrError(
          HrErrorCode.IllegalStatusTransition,
          `status cannot go from ${oldStatus} to ${newStatus}; allowed next states: ${
            allowed.length ? allowed.join(', ') : `none (${oldStatus} is final)`
          }`,
          'status',
        );
      }
      const updated = await this.candidates.updateForCompany(
        companyId,
        candidate,
        { status: newStatus },
        manager,
      );
      await publish('candidate.status_changed', { candidateId: updated.id, oldStatus, newStatus });
      return updated;
    });
    return toCandidateDto(row);
  }
}

function candidateNotFound(): HrError {
  return HrError.notFound(HrErrorCode.CandidateNotFound, 'candidate');
}
