import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { RedisIoAdapter } from './redis-io.adapter';

async function bootstrap(): Promise<void> {
  const config = new AppConfig(process.env);
  const app = await NestFactory.create(AppModule.forConfig(config), { bodyParser: true });
  app.setGlobalPrefix('api');
  app.enableCors({ origin: true });
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.redisUrl, config.queuePrefix));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  Logger.log(`gradlab api listening on http://${config.host}:${config.port}/api`, 'Bootstrap');
}

bootstrap().catch((error: Error) => {
  console.error(`gradlab api failed to start: ${error.message}`);
  process.exit(1);
});
