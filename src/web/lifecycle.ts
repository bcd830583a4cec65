import type Koa from 'koa';

// Lifecycle endpoints (POST /-/reload) change what the exporter does, so, as in Prometheus, they
// are off unless --web.enable-lifecycle is given. Even then a web page in someone's browser must
// not be able to call them (CSRF): a browser says where a request comes from (Origin,
// Sec-Fetch-Site), and the only bodies a cross-site page can send without a CORS preflight are
// forms and text/plain. curl, scripts and Prometheus tooling send neither header nor such bodies.

/** The bodies a cross-site HTML form or a no-preflight fetch() can send. */
const SIMPLE_BODY_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Sec-Fetch-Site values of requests this site (or the user, typing a URL) made. */
const OWN_FETCH_SITES = ['same-origin', 'none'];

export function lifecycleGuard(enabled: boolean): Koa.Middleware {
  return async (ctx, next) => {
    const refusal = enabled ? crossSiteRefusal(ctx) : disabled();
    if (refusal === undefined) {
      await next();
      return;
    }
    ctx.status = refusal.status;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = refusal.message;
  };
}

interface Refusal {
  readonly status: number;
  readonly message: string;
}

function disabled(): Refusal {
  // The first line is Prometheus' own message, which tools look for.
  const message =
    'Lifecycle API is not enabled.\nStart the exporter with --web.enable-lifecycle, or send it SIGHUP to reload.\n';
  return { status: 403, message };
}

function crossSiteRefusal(ctx: Koa.Context): Refusal | undefined {
  const site = ctx.get('Sec-Fetch-Site').toLowerCase();
  const origin = ctx.get('Origin');
  if ((site !== '' && !OWN_FETCH_SITES.includes(site)) || (origin !== '' && !sameOrigin(origin, ctx))) {
    return { status: 403, message: 'Cross-site requests to lifecycle endpoints are refused.\n' };
  }
  const type = ctx.get('Content-Type').split(';')[0]?.trim().toLowerCase() ?? '';
  if (SIMPLE_BODY_TYPES.includes(type)) {
    const message = `Content-Type ${type} is refused on lifecycle endpoints (a web form can send it); send no body.\n`;
    return { status: 415, message };
  }
  return undefined;
}

/** `Origin` names this server exactly (scheme, host and port); "null" (a sandboxed page) never does. */
function sameOrigin(origin: string, ctx: Koa.Context): boolean {
  const host = ctx.get('Host');
  return host !== '' && origin.toLowerCase() === `${ctx.protocol}://${host}`.toLowerCase();
}
