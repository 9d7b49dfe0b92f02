import { registerDecorator, ValidationOptions } from 'class-validator';
import { signingSecretProblem } from '../../security/secret-cipher';

export function IsSigningSecret(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSigningSecret',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && signingSecretProblem(value) === null,
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? (signingSecretProblem(args.value) ?? 'secret is invalid')
            : 'secret must be a string',
      },
    });
}
