// The Nest CLI Swagger plugin (nest-cli.json) as a ts-jest AST transformer, so tests see the same
// OpenAPI metadata as the built app.
const transformer = require('@nestjs/swagger/plugin');

module.exports.name = 'nestjs-swagger-transformer';
module.exports.version = 1;
module.exports.factory = (cs) =>
  transformer.before(
    {
      introspectComments: true,
      classValidatorShim: true,
      dtoFileNameSuffix: ['.dto.ts', '.entity.ts'],
    },
    cs.program,
  );
