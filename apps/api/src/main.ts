import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  const config = new AppConfig(process.env);
  const app = await NestFactory.create(AppModule.forConfig(config), { bodyParser: false });
  configureApp(app, config);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  Logger.log(`gradlab api listening on http://${config.host}:${config.port}/api`, 'Bootstrap');
}

bootstrap().catch((error: Error) => {
  console.error(`gradlab api failed to start: ${error.message}`);
  process.exit(1);
});
