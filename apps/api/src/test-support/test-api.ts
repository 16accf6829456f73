import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { configureApp } from '../configure-app';

export interface TestApi {
  app: INestApplication;
  url: string;
  /** The staff admin's API key (GRADLAB_ADMIN_TOKEN), team "default". */
  adminToken: string;
}

/** The real api, in-process, on a free port, against the given database and queue prefix. */
export async function startTestApi(
  env: { DATABASE_URL: string; QUEUE_PREFIX: string } & Record<string, string>,
): Promise<TestApi> {
  const adminToken = env.GRADLAB_ADMIN_TOKEN ?? `glk_test_${randomBytes(16).toString('hex')}`;
  const config = new AppConfig({
    GRADLAB_ADMIN_EMAIL: 'admin@gradlab.test',
    GRADLAB_ADMIN_TOKEN: adminToken,
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  const app = await NestFactory.create(AppModule.forConfig(config), { logger: ['error'], bodyParser: false });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, adminToken };
}
