import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CompanyRows } from '../../common/company-rows';
import { offerNotFound } from '../not-found';
import { Offer } from './offer.entity';

/** Every read and write of offers, each scoped to one company (others' rows: 404). */
@Injectable()
export class OfferRepository extends CompanyRows<Offer> {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource, Offer, offerNotFound);
  }

  /** A draft. */
  async insertForCompany(
    companyId: string,
    values: Pick<Offer, 'applicationId' | 'salary' | 'startDate' | 'contractType'>,
    manager: EntityManager,
  ): Promise<Offer> {
    return this.insert(
      companyId,
      { ...values, status: 'draft', sentAt: null, acceptedAt: null },
      manager,
    );
  }
}
