/**
 * A bare Splynx HTTP client for tests and scripts that talk to the sandbox (or a real Splynx):
 * it signs each request with a fresh, increasing centisecond nonce (the blueprint's unit) and
 * returns status, headers and body as is.
 */
import { signature } from './auth.js';

export interface RawResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** `Splynx-EA (key=…&nonce=…&signature=…)` for one request. */
export function signatureHeader(key: string, secret: string, nonce: number): string {
  return `Splynx-EA (key=${encodeURIComponent(key)}&nonce=${nonce}&signature=${signature(secret, nonce, key)})`;
}

/**
 * The header exactly as the blueprint's PHP example makes it (api-v2.apib, "By signature"): a
 * fresh `round(microtime(true) * 100)` nonce, centiseconds now, for each new client. Another
 * integration on the same key, as Splynx's own clients sign.
 */
export function blueprintExampleHeader(key: string, secret: string, nowMs = Date.now()): { header: string; nonce: number } {
  const nonce = Math.round(nowMs / 10);
  return { header: signatureHeader(key, secret, nonce), nonce };
}

/** One GET signed as the blueprint's example signs: the status and Splynx's error message, if any. */
export async function blueprintExampleGet(
  baseUrl: string,
  key: string,
  secret: string,
  path: string,
): Promise<{ status: number; nonce: number; message?: string }> {
  const { header, nonce } = blueprintExampleHeader(key, secret);
  const res = await fetch(`${baseUrl}/api/2.0/${path}`, { headers: { authorization: header } });
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return { status: res.status, nonce, message: body && !Array.isArray(body) ? body.error?.message : undefined };
}

export class SplynxClient {
  private nonce = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
    private readonly secret: string,
  ) {}

  /** A nonce strictly greater than every earlier one from this client. */
  nextNonce(): number {
    this.nonce = Math.max(this.nonce + 1, Math.round(Date.now() / 10));
    return this.nonce;
  }

  authHeader(): string {
    return signatureHeader(this.key, this.secret, this.nextNonce());
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse<T>> {
    const init: RequestInit = { method, headers: { authorization: this.authHeader(), ...headers } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}/api/2.0/${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text so a test can show what came back.
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body: unknown) => this.request<T>('POST', path, body);
  put = <T = any>(path: string, body: unknown) => this.request<T>('PUT', path, body);
  delete = (path: string) => this.request('DELETE', path);
}
