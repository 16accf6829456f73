import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { configureApp } from '../configure-app';

/** The real api, in-process, on a free port, against the given database and queue prefix. */
export async function startTestApi(env: { DATABASE_URL: string; QUEUE_PREFIX: string; WORKER_TOKEN?: string }): Promise<{ app: INestApplication; url: string }> {
  const config = new AppConfig({ ...env, PORT: '0', HOST: '127.0.0.1' });
  const app = await NestFactory.create(AppModule.forConfig(config), { logger: ['error'] });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}
