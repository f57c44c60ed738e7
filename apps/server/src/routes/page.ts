import type { FastifyInstance } from 'fastify';
import { PAGE_HTML } from './page-html.js';

/** Only inline styles and scripts, and requests back to this server. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** `GET /`: the demo page. */
export function registerPageRoute(app: FastifyInstance): void {
  app.get('/', async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('cache-control', 'no-cache')
      .send(PAGE_HTML),
  );
}
