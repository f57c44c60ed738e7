import { describe, expect, it } from 'vitest';
import { errorReply, fieldName } from './error-reply.js';
import { ERROR_STATUS, FASTIFY_CODES, statusForCode } from './error-status.js';
import { ServerError } from './server-error.js';

const limits = { maxTexts: 4, maxChars: 10 };

describe('error status table', () => {
  it('maps every fastify code to a listed server code, and unknown codes to 500', () => {
    for (const code of Object.values(FASTIFY_CODES)) expect(ERROR_STATUS[code]).toBeDefined();
    expect(statusForCode('SERVER_BODY_TOO_LARGE')).toBe(413);
    expect(statusForCode('MODEL_CORRUPT')).toBe(500);
  });

  it('names fields the way clients write them', () => {
    expect(fieldName('/texts/3')).toBe('texts[3]');
    expect(fieldName('', 'texts')).toBe('texts');
    expect(fieldName('/a/b')).toBe('a.b');
  });

  it('keeps server error messages and fields, hides everything else', () => {
    expect(errorReply(new ServerError('SERVER_NOT_READY', 'loading'), undefined, limits)).toEqual({
      status: 503,
      body: { error: { code: 'SERVER_NOT_READY', message: 'loading' } },
    });
    const hidden = errorReply(new Error('ENOENT /etc/secret'), undefined, limits);
    expect(hidden.status).toBe(500);
    expect(hidden.body.error.message).not.toContain('secret');
  });
});
