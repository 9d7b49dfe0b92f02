/**
 * A bare Nest app with no module and no middleware, for `npm run bench` to measure its CPU time
 * per 404 beside the service's in the same run (the floor any Nest app pays): on Express (Nest's
 * default adapter, the reference), or on Fastify (the service's) with ADAPTER=fastify.
 * Listens on 127.0.0.1:$PORT; prints `ready` once it does.
 */
import 'reflect-metadata';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

@Module({})
class EmptyModule {}

async function main(): Promise<void> {
  const app: INestApplication =
    process.env.ADAPTER === 'fastify'
      ? await NestFactory.create(EmptyModule, new FastifyAdapter(), { logger: ['error'] })
      : await NestFactory.create(EmptyModule, { logger: ['error'] });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
}

void main();
