import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PagePosition } from '../shared/cursor';
import type { AttemptDto, DeliveryDto } from './dto/attempt.dto';
import type { AttemptStatus, DeliveryStatus } from '../entities/delivery-status';

interface AttemptRow {
  id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  attempt_number: number;
  status: AttemptStatus;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
  request_headers: Record<string, string>;
  response_headers: Record<string, string> | null;
  created_at: Date;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  subscription_id: string | null;
  event_type: string;
  status: DeliveryStatus;
  attempt_count: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

const ATTEMPT_COLUMNS = `id, delivery_id, event_id, event_type, attempt_number, status, status_code,
  duration_ms, error, response_body, request_headers, response_headers, created_at`;

/** Deliveries and attempts, every query scoped to one company (another company's rows: not found). */
@Injectable()
export class DeliveryLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A subscription's attempts, newest first, optionally filtered; one extra row tells hasMore. */
  async attemptsPageForCompany(
    companyId: string,
    subscriptionId: string,
    filter: { status?: AttemptStatus; eventType?: string },
    after: PagePosition | null,
    limit: number,
  ): Promise<{ items: AttemptDto[]; hasMore: boolean }> {
    const params: unknown[] = [companyId, subscriptionId];
    const where = ['company_id = $1', 'subscription_id = $2'];
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.eventType) {
      params.push(filter.eventType);
      where.push(`event_type = $${params.length}`);
    }
    if (after) {
      params.push(after.createdAt.toISOString(), after.id);
      where.push(
        `(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(limit + 1);
    const rows = await this.dataSource.query<AttemptRow[]>(
      `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return { items: rows.slice(0, limit).map(toAttempt), hasMore: rows.length > limit };
  }

  async deliveryForCompany(companyId: string, deliveryId: string): Promise<DeliveryDto | null> {
    const rows = await this.dataSource.query<DeliveryRow[]>(
      `SELECT id, event_id, subscription_id, event_type, status, attempt_count, next_attempt_at,
              last_status_code, last_error, created_at, updated_at
       FROM webhook_deliveries WHERE company_id = $1 AND id = $2`,
      [companyId, deliveryId],
    );
    const row = rows[0];
    if (!row) return null;
    const attempts = await this.dataSource.query<AttemptRow[]>(
      `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts WHERE company_id = $1 AND delivery_id = $2
       ORDER BY attempt_number, created_at`,
      [companyId, deliveryId],
    );
    return {
      id: row.id,
      eventId: row.event_id,
      subscriptionId: row.subscription_id,
      eventType: row.event_type,
      status: row.status,
      attemptCount: row.attempt_count,
      nextAttemptAt: row.next_attempt_at,
      lastStatusCode: row.last_status_code,
      lastError: row.last_error,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      attempts: attempts.map(toAttempt),
    };
  }
}

function toAttempt(row: AttemptRow): AttemptDto {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    eventId: row.event_id,
    eventType: row.event_type,
    attemptNumber: row.attempt_number,
    status: row.status,
    statusCode: row.status_code,
    durationMs: row.duration_ms,
    error: row.error,
    responseBody: row.response_body,
    requestHeaders: row.request_headers,
    responseHeaders: row.response_headers,
    createdAt: row.created_at,
  };
}
