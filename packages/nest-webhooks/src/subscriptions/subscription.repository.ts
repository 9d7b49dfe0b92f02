import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, type EntityManager, Repository } from 'typeorm';
import type { PagePosition } from '../shared/cursor';
import { WebhookSubscription } from '../entities/webhook-subscription.entity';

/**
 * Every read and write of subscriptions, each scoped to one company: another company's rows are
 * never found, so the API answers 404 for them and never lists them.
 */
@Injectable()
export class SubscriptionRepository {
  constructor(
    @InjectRepository(WebhookSubscription)
    private readonly rows: Repository<WebhookSubscription>,
  ) {}

  async findOneForCompany(companyId: string, id: string): Promise<WebhookSubscription | null> {
    return this.rows.findOne({ where: { companyId, id } });
  }

  /** Newest first; `after` is the last row of the previous page. Fetches one extra row. */
  async pageForCompany(
    companyId: string,
    after: PagePosition | null,
    limit: number,
  ): Promise<{ items: WebhookSubscription[]; hasMore: boolean }> {
    const query = this.rows
      .createQueryBuilder('s')
      .where('s.companyId = :companyId', { companyId })
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .take(limit + 1);
    if (after) {
      query.andWhere(
        new Brackets((q) =>
          q
            .where('s.createdAt < :createdAt', { createdAt: after.createdAt })
            .orWhere('(s.createdAt = :createdAt AND s.id < :id)', { id: after.id }),
        ),
      );
    }
    const rows = await query.getMany();
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  async insertForCompany(
    companyId: string,
    values: Omit<Partial<WebhookSubscription>, 'companyId'>,
    manager?: EntityManager,
  ): Promise<WebhookSubscription> {
    const rows = this.in(manager);
    return rows.save(rows.create({ ...values, companyId }));
  }

  /** Saves changes to a row previously read with `findOneForCompany`. */
  async updateForCompany(
    companyId: string,
    row: WebhookSubscription,
    changes: Partial<WebhookSubscription>,
    manager?: EntityManager,
  ): Promise<WebhookSubscription> {
    if (row.companyId !== companyId) throw new Error('Subscription belongs to another company');
    Object.assign(row, changes);
    return this.in(manager).save(row);
  }

  async softDeleteForCompany(
    companyId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<boolean> {
    const result = await this.in(manager).softDelete({ companyId, id });
    return (result.affected ?? 0) > 0;
  }

  /** The rows, in the caller's transaction when there is one. */
  private in(manager?: EntityManager): Repository<WebhookSubscription> {
    return manager ? manager.getRepository(WebhookSubscription) : this.rows;
  }
}
