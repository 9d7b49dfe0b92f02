import { registerDecorator, type ValidationOptions } from 'class-validator';
import { dataFilterProblem } from '../../catalog/data-filter';

/** A data filter the contract accepts (see `dataFilterProblem`); the message names the problem. */
export function IsDataFilter(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDataFilter',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => dataFilterProblem(value) === null,
        defaultMessage: (args) => dataFilterProblem(args?.value) ?? 'filter is invalid',
      },
    });
}
