import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal, Role } from './auth.ts';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Set for every route but `public` ones. */
  principal: Principal;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/api/events/:id/replay`: `:name` matches one URL-decoded path segment. */
  path: string;
  /** Who may call it: `public` (login only), `viewer` (any token), `admin`. */
  access: 'public' | Role;
  handle(ctx: RouteContext): Promise<void> | void;
}

export interface MatchedRoute {
  route: Route;
  params: Record<string, string>;
}

/** Method + path matching over a short list; `allowed` lists methods of a path that matched otherwise. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): { matched?: MatchedRoute; allowed: string[] } {
  const segments = pathname.split('/');
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path.split('/'), segments);
    if (!params) continue;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { matched: { route, params }, allowed };
    allowed.push(route.method);
  }
  return { allowed };
}

function matchPath(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] ?? '';
    const s = segments[i] ?? '';
    if (p.startsWith(':')) {
      if (s === '') return undefined;
      try {
        params[p.slice(1)] = decodeURIComponent(s);
      } catch {
        return undefined;
      }
    } else if (p !== s) return undefined;
  }
  return params;
}

/**
 * Whether every %-escape in the path reads as UTF-8. One that does not is the caller's encoding, not a
 * missing endpoint: a 400, where matching alone would find no route and answer 404.
 */
export function decodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export function allows(principal: Principal, access: Route['access']): boolean {
  return access === 'public' || access === 'viewer' || principal.role === 'admin';
}
