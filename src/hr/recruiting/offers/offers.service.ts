import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CandidateLifeCycle } from '../../candidates/candidate-life-cycle';
import { HrUnitOfWork, type HrTransaction } from '../../common/hr-unit-of-work';
import { isUniqueViolation } from '../../common/unique-violation';
import { HrError, HrErrorCode } from '../../hr.errors';
import type { JobApplication } from '../applications/application.entity';
import { ApplicationMoves } from '../applications/application-moves';
import { ApplicationRepository } from '../applications/application.repository';
import type { OfferTermsData } from '../recruiting-event-data';
import type { CreateOfferDto } from './dto/create-offer.dto';
import type { OfferDto } from './dto/offer.dto';
import type { Offer } from './offer.entity';
import { OfferRepository } from './offer.repository';
import { OFFER_LIFE_CYCLE } from './offer-status';

function toOfferDto(row: Offer, application: JobApplication): OfferDto {
  return {
    id: row.id,
    applicationId: row.applicationId,
    jobId: application.jobId,
    candidateId: application.candidateId,
    salary: row.salary,
    startDate: row.startDate,
    contractType: row.contractType,
    status: row.status,
    sentAt: row.sentAt,
    acceptedAt: row.acceptedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function termsOf(offer: Offer, application: JobApplication): OfferTermsData {
  return {
    offerId: offer.id,
    applicationId: application.id,
    jobId: application.jobId,
    candidateId: application.candidateId,
    salary: offer.salary,
    startDate: offer.startDate,
    contractType: offer.contractType,
  };
}

/**
 * Offers to shortlisted applications: drafted (emits nothing), sent (`offer.sent`), accepted
 * (`offer.accepted`; the application becomes hired and the candidate walks the candidate life
 * cycle to hired, each move with its own event, all in the same transaction).
 */
@Injectable()
export class OffersService {
  constructor(
    private readonly unitOfWork: HrUnitOfWork,
    private readonly offers: OfferRepository,
    private readonly applications: ApplicationRepository,
    private readonly applicationMoves: ApplicationMoves,
    private readonly candidateLifeCycle: CandidateLifeCycle,
  ) {}

  /** A draft offer to a shortlisted application; one per application (a second is 409). */
  async create(companyId: string, applicationId: string, body: CreateOfferDto): Promise<OfferDto> {
    try {
      return await this.unitOfWork.run(companyId, async ({ manager }) => {
        const application = await this.shortlisted(companyId, applicationId, manager);
        const offer = await this.offers.insertForCompany(
          companyId,
          {
            applicationId: application.id,
            salary: body.salary,
            startDate: body.startDate,
            contractType: body.contractType,
          },
          manager,
        );
        return toOfferDto(offer, application);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_hr_offers_application')) {
        throw new HrError(
          HrErrorCode.OfferAlreadyMade,
          'The application already has an offer (one offer per application)',
        );
      }
      throw error;
    }
  }

  async get(companyId: string, id: string): Promise<OfferDto> {
    const offer = await this.offers.getForCompany(companyId, id);
    const application = await this.applications.getForCompany(companyId, offer.applicationId);
    return toOfferDto(offer, application);
  }

  /** draft → sent, while the application is shortlisted; emits `offer.sent`. */
  async send(companyId: string, id: string): Promise<OfferDto> {
    return this.move(companyId, id, 'sent', async (tx, offer) => {
      const application = await this.shortlisted(companyId, offer.applicationId, tx.manager);
      const sentAt = new Date();
      const sent = await this.offers.updateForCompany(
        companyId,
        offer,
        { status: 'sent', sentAt },
        tx.manager,
      );
      await tx.publish('offer.sent', {
        ...termsOf(sent, application),
        sentAt: sentAt.toISOString(),
      });
      return toOfferDto(sent, application);
    });
  }

  /**
   * sent → accepted; emits `offer.accepted`, then moves the application to hired
   * (`application.reviewed`) and the candidate to hired (`candidate.status_changed`), so that a
   * contract can be made for them.
   */
  async accept(companyId: string, id: string): Promise<OfferDto> {
    return this.move(companyId, id, 'accepted', async (tx, offer) => {
      const application = await this.applications.getForCompany(
        companyId,
        offer.applicationId,
        tx.manager,
        'pessimistic_write',
      );
      const acceptedAt = new Date();
      const accepted = await this.offers.updateForCompany(
        companyId,
        offer,
        { status: 'accepted', acceptedAt },
        tx.manager,
      );
      await tx.publish('offer.accepted', {
        ...termsOf(accepted, application),
        acceptedAt: acceptedAt.toISOString(),
      });
      const hired = await this.applicationMoves.move(tx, companyId, application, 'hired', {
        subject: "the application's status",
      });
      await this.candidateLifeCycle.advanceTo(tx, companyId, hired.candidateId, 'hired');
      return toOfferDto(accepted, hired);
    });
  }

  /** Locks the offer (then its application: always in that order), checks the move (409), makes it. */
  private async move(
    companyId: string,
    id: string,
    to: 'sent' | 'accepted',
    change: (tx: HrTransaction, offer: Offer) => Promise<OfferDto>,
  ): Promise<OfferDto> {
    return this.unitOfWork.run(companyId, async (tx) => {
      const offer = await this.offers.getForCompany(companyId, id, tx.manager, 'pessimistic_write');
      OFFER_LIFE_CYCLE.assertMove(offer.status, to);
      return change(tx, offer);
    });
  }

  /** The application, share-locked, if it is shortlisted (409 otherwise). */
  private async shortlisted(
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
    if (application.status !== 'shortlisted') {
      throw new HrError(
        HrErrorCode.ApplicationNotShortlisted,
        `The application is ${application.status}: offers are made and sent to shortlisted applications only`,
      );
    }
    return application;
  }
}
