import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Training } from './training.entity';

/** Every read and write of trainings, each scoped to one company (others' rows: 404). */
@Injectable()
export class TrainingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private rows(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(Training);
  }

  async findOneForCompany(
    companyId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<Training | null> {
    return this.rows(manager).findOne({ where: { companyId, id } });
  }

  async insertForCompany(
    companyId: string,
    values: Pick<Training, 'title' | 'cpfEligible'>,
    manager?: EntityManager,
  ): Promise<Training> {
    const rows = this.rows(manager);
    return rows.save(rows.create({ ...values, companyId }));
  }
}
