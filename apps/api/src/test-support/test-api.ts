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
export async function startTestApi(env: { DATABASE_URL: string; QUEUE_PREFIX: string } & Record<string, string>): Promise<TestApi> {
  const adminToken = env.GRADLAB_ADMIN_TOKEN ?? `glk_test_${randomBytes(16).toString('hex')}`;
  const config = new AppConfig({ GRADLAB_ADMIN_EMAIL: 'admin@gradlab.test', GRADLAB_ADMIN_TOKEN: adminToken, ...env, PORT: '0', HOST: '127.0.0.1' });
  const app = await NestFactory.create(AppModule.forConfig(config), { logger: ['error'], bodyParser: false });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, adminToken };
}

/** A team with a student in it, made through the api as staff would; returns the student's key. */
export async function createStudent(api: TestApi, team: string, email: string): Promise<{ key: string; userId: string }> {
  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${api.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify(body),
    });
    if (!response.ok && response.status !== 409) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  await call('/teams', { name: team });
  const user = await call('/users', { email, team, role: 'student', password: 'correct horse battery' });
  const key = await call('/keys', { name: 'test', userId: user.id });
  return { key: key.key, userId: user.id };
}
