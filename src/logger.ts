import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** Paths whose values never reach a log line: credentials, and the names of patients who wrote reviews. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'accessSecret',
  '*.accessSecret',
  'pageToken',
  '*.pageToken',
  'author',
  '*.author',
  'reviewerName',
  '*.reviewerName',
];

export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  destination?: pino.DestinationStream,
) {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { app: 'smx' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (config.logFormat === 'pretty' && destination === undefined) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return destination ? pino(options, destination) : pino(options);
}
