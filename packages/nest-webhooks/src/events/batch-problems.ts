import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type FieldProblem, validationProblems } from '../shared/validation-errors';
import type { EventCatalog } from '../catalog/event-catalog.service';
import { BatchEventDto } from './dto/publish-batch.dto';

/**
 * Everything wrong with a batch's events, each named by index and field, so that one answer lists
 * every bad event (`events.<i>.<field>`): the shape of each (an object with a string `type`, a
 * `data`, an optional key of 1 to 255 characters, nothing else; class-validator with the DTO's
 * rules, in the ValidationPipe's words, only the constraints that apply), then, for an event of
 * the right shape, its type in the catalog, its data against the type's schema, and its key not
 * used earlier in the batch.
 */
export function batchProblems(events: readonly unknown[], catalog: EventCatalog): FieldProblem[] {
  const firstWithKey = new Map<string, number>();
  const problems: FieldProblem[] = [];
  events.forEach((event, i) => {
    const at = `events.${i}`;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      problems.push({
        field: at,
        message: `${at} must be an object {type, data, idempotencyKey?}`,
      });
      return;
    }
    const shape = validateSync(plainToInstance(BatchEventDto, event), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    if (shape.length > 0) {
      problems.push(...validationProblems(shape, at));
      return;
    }
    const { type, data, idempotencyKey: key } = event as BatchEventDto;
    const first = key === undefined ? undefined : firstWithKey.get(key);
    if (key !== undefined && first === undefined) firstWithKey.set(key, i);
    if (!catalog.has(type)) {
      problems.push({
        field: `${at}.type`,
        message: `${at}.type "${type}" is not in the event catalog`,
      });
    } else {
      for (const problem of catalog.validateData(type, data)) {
        problems.push({
          field: `${at}.data`,
          message: `${at}.data does not match the schema of ${type}: ${problem}`,
        });
      }
    }
    if (first !== undefined) {
      problems.push({
        field: `${at}.idempotencyKey`,
        message: `${at}.idempotencyKey "${key}" already appears at events.${first}: a key may appear once per batch`,
      });
    }
  });
  return problems;
}
